package fr.portailcomptes.keycloak.sms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals codes with AES-GCM under a named key ({@code kid}): {@code kid.iv.ciphertext}, base64url.
 * In Keycloak the key is the realm's active AES key, so every node of a cluster can open what
 * another sealed, and a rotated key still opens the codes sealed before the rotation.
 */
public final class AesGcmSealer implements CodeSealer {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();

  private final String activeKid;
  private final SecretKey activeKey;
  private final Function<String, SecretKey> keyByKid;
  private final byte[] context;

  /**
   * @param activeKid id of the key to seal with
   * @param activeKey the key to seal with
   * @param keyByKid finds a key to open with ({@code null} when unknown)
   * @param context bound into the ciphertext (e.g. the authentication session), so a sealed value
   *     cannot be replayed elsewhere
   */
  public AesGcmSealer(
      String activeKid, SecretKey activeKey, Function<String, SecretKey> keyByKid, String context) {
    this.activeKid = activeKid;
    this.activeKey = activeKey;
    this.keyByKid = keyByKid;
    this.context = (context == null ? "" : context).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String seal(String code) {
    if (activeKid == null || activeKey == null) {
      return null;
    }
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, activeKey, new GCMParameterSpec(128, iv));
      cipher.updateAAD(context);
      byte[] sealed = cipher.doFinal(code.getBytes(StandardCharsets.UTF_8));
      return ENC.encodeToString(activeKid.getBytes(StandardCharsets.UTF_8))
          + "."
          + ENC.encodeToString(iv)
          + "."
          + ENC.encodeToString(sealed);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String open(String sealed) {
    if (sealed == null) {
      return null;
    }
    String[] parts = sealed.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      String kid = new String(DEC.decode(parts[0]), StandardCharsets.UTF_8);
      SecretKey key = kid.equals(activeKid) ? activeKey : keyByKid.apply(kid);
      if (key == null) {
        return null;
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, DEC.decode(parts[1])));
      cipher.updateAAD(context);
      return new String(cipher.doFinal(DEC.decode(parts[2])), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}
