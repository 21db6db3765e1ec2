package fr.portailcomptes.keycloak.sms;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** One-time codes: drawing them, hashing them for storage, comparing what the user typed. */
public final class Codes {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Codes() {}

  /** A uniformly random code of {@code length} decimal digits (leading zeros allowed). */
  public static String generate(int length) {
    return generate(RANDOM, length);
  }

  static String generate(SecureRandom random, int length) {
    if (length < 1) {
      throw new IllegalArgumentException("length must be positive");
    }
    StringBuilder code = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      code.append((char) ('0' + random.nextInt(10)));
    }
    return code.toString();
  }

  /** A fresh random salt (base64url, no padding). */
  public static String newSalt() {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(salt);
  }

  /** SHA-256 of salt and code (base64url): what the authentication session keeps. */
  public static String hash(String code, String salt) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt.getBytes(StandardCharsets.UTF_8));
      digest.update((byte) ':');
      digest.update(code.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether {@code typed} is the code behind {@code hash}, in constant time. */
  public static boolean matches(String typed, String salt, String hash) {
    if (typed == null || salt == null || hash == null) {
      return false;
    }
    byte[] expected = hash.getBytes(StandardCharsets.US_ASCII);
    byte[] actual = hash(typed, salt).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual);
  }

  /**
   * What the user typed, without the spaces, dashes and dots people put in codes; {@code null} when
   * nothing was typed.
   */
  public static String clean(String typed) {
    if (typed == null) {
      return null;
    }
    String cleaned = typed.replaceAll("[\\s\\-.\u00a0\u202f]", "");
    return cleaned.isEmpty() ? null : cleaned;
  }
}
