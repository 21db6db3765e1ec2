package fr.portailcomptes.keycloak.sms;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where one SMS verification stands (a login step or an enrolment), kept in one authentication
 * session note. Immutable: every step returns the next state. Times are epoch milliseconds passed
 * in by the caller, so expiry and cooldown are unit-testable.
 *
 * <p>It holds the salted hash of the current code, never the code itself; {@code sealed} is the
 * code encrypted for a same-code resend (see {@link CodeSealer}), or {@code null}.
 */
public final class CodeState {

  /** What a send request should do. */
  public enum SendKind {
    /** This verification is blocked (too many wrong codes): nothing more is sent. */
    BLOCKED,
    /** The sends allowed for this login attempt are used up. */
    LIMIT_REACHED,
    /** Too early after the previous send: wait {@link SendPlan#waitSeconds()}. */
    WAIT,
    /** The current code is still valid: send it again. */
    SAME_CODE,
    /** No current code (none yet, expired, or cannot be resent): draw and send a new one. */
    NEW_CODE
  }

  /** The decision about a send request. */
  public record SendPlan(SendKind kind, long waitSeconds) {}

  /** The outcome of checking a typed code. */
  public enum CheckResult {
    /** The right code, in time. */
    OK,
    /** Nothing typed (not counted as an attempt). */
    MISSING,
    /** No code was ever drawn. */
    NO_CODE,
    /** The code's lifetime is over (not counted as an attempt). */
    EXPIRED,
    /** A wrong code, attempts remain. */
    WRONG,
    /** A wrong code, and that was the last attempt: now blocked. */
    TOO_MANY,
    /** Already blocked: nothing is checked any more. */
    BLOCKED
  }

  /** A check's outcome, the attempts left for the current code and the state to keep. */
  public record Check(CheckResult result, int attemptsLeft, CodeState next) {}

  private static final String VERSION = "v1";

  private final String subject;
  private final String phone;
  private final String salt;
  private final String hash;
  private final String sealed;
  private final long expiresAt;
  private final int attempts;
  private final long lastSentAt;
  private final int sends;
  private final boolean delivered;
  private final boolean blocked;

  private CodeState(
      String subject,
      String phone,
      String salt,
      String hash,
      String sealed,
      long expiresAt,
      int attempts,
      long lastSentAt,
      int sends,
      boolean delivered,
      boolean blocked) {
    this.subject = subject == null ? "" : subject;
    this.phone = phone == null ? "" : phone;
    this.salt = salt;
    this.hash = hash;
    this.sealed = sealed;
    this.expiresAt = expiresAt;
    this.attempts = attempts;
    this.lastSentAt = lastSentAt;
    this.sends = sends;
    this.delivered = delivered;
    this.blocked = blocked;
  }

  /** A fresh verification of {@code phone} for {@code subject} (a user id): nothing sent yet. */
  public static CodeState start(String subject, String phone) {
    return new CodeState(subject, phone, null, null, null, 0, 0, 0, 0, false, false);
  }

  /**
   * The verification moved to another number (enrolment: the user corrected it). The current code
   * is dropped; the sends made, the cooldown and a block carry over, so that switching numbers is
   * no way around the limits.
   */
  public CodeState withPhone(String newPhone) {
    return new CodeState(
        subject, newPhone, null, null, null, 0, 0, lastSentAt, sends, false, blocked);
  }

  /** Whether this state belongs to that user and number (else it must be started anew). */
  public boolean isFor(String subject, String phone) {
    return this.subject.equals(subject == null ? "" : subject)
        && this.phone.equals(phone == null ? "" : phone);
  }

  /** What a send request should do now. */
  public SendPlan planSend(long now, SmsSettings settings) {
    if (blocked) {
      return new SendPlan(SendKind.BLOCKED, 0);
    }
    if (sends >= settings.maxSends()) {
      return new SendPlan(SendKind.LIMIT_REACHED, 0);
    }
    long wait = cooldownLeftSeconds(now, settings);
    if (wait > 0) {
      return new SendPlan(SendKind.WAIT, wait);
    }
    if (hasCode() && !isExpired(now) && sealed != null) {
      return new SendPlan(SendKind.SAME_CODE, 0);
    }
    return new SendPlan(SendKind.NEW_CODE, 0);
  }

  /** A new current code: valid for the configured lifetime, with all its attempts. */
  public CodeState withNewCode(String code, String sealedCode, long now, SmsSettings settings) {
    String newSalt = Codes.newSalt();
    return new CodeState(
        subject,
        phone,
        newSalt,
        Codes.hash(code, newSalt),
        sealedCode,
        now + settings.ttlSeconds() * 1000L,
        0,
        lastSentAt,
        sends,
        false,
        blocked);
  }

  /**
   * The state after a send attempt: it counts against the sends allowed; only a send the gateway
   * accepted starts the cooldown (a failed one may be retried at once).
   */
  public CodeState afterSend(boolean accepted, long now) {
    return new CodeState(
        subject,
        phone,
        salt,
        hash,
        sealed,
        expiresAt,
        attempts,
        accepted ? now : lastSentAt,
        sends + 1,
        delivered || accepted,
        blocked);
  }

  /** Checks a typed code. Only a wrong code counts as an attempt. */
  public Check check(String typed, long now, SmsSettings settings) {
    if (blocked) {
      return new Check(CheckResult.BLOCKED, 0, this);
    }
    String code = Codes.clean(typed);
    if (code == null) {
      return new Check(CheckResult.MISSING, attemptsLeft(settings), this);
    }
    if (!hasCode()) {
      return new Check(CheckResult.NO_CODE, attemptsLeft(settings), this);
    }
    if (isExpired(now)) {
      return new Check(CheckResult.EXPIRED, attemptsLeft(settings), this);
    }
    if (Codes.matches(code, salt, hash)) {
      return new Check(CheckResult.OK, attemptsLeft(settings), this);
    }
    int used = attempts + 1;
    boolean nowBlocked = used >= settings.maxAttempts();
    CodeState next =
        new CodeState(
            subject,
            phone,
            salt,
            hash,
            sealed,
            expiresAt,
            used,
            lastSentAt,
            sends,
            delivered,
            nowBlocked);
    return new Check(
        nowBlocked ? CheckResult.TOO_MANY : CheckResult.WRONG,
        Math.max(0, settings.maxAttempts() - used),
        next);
  }

  /** The same state, blocked (e.g. the user got locked out by brute-force protection). */
  public CodeState blocked() {
    return new CodeState(
        subject,
        phone,
        salt,
        hash,
        sealed,
        expiresAt,
        attempts,
        lastSentAt,
        sends,
        delivered,
        true);
  }

  public boolean hasCode() {
    return hash != null;
  }

  public boolean isExpired(long now) {
    return hasCode() && now >= expiresAt;
  }

  /** Seconds until a new send is allowed (0 when allowed now). */
  public long cooldownLeftSeconds(long now, SmsSettings settings) {
    if (lastSentAt <= 0) {
      return 0;
    }
    long left = lastSentAt + settings.resendCooldownSeconds() * 1000L - now;
    return left <= 0 ? 0 : (left + 999) / 1000;
  }

  /** Seconds the current code stays valid (0 when none or expired). */
  public long secondsLeft(long now) {
    if (!hasCode() || now >= expiresAt) {
      return 0;
    }
    return (expiresAt - now + 999) / 1000;
  }

  public int attemptsLeft(SmsSettings settings) {
    return Math.max(0, settings.maxAttempts() - attempts);
  }

  public String subject() {
    return subject;
  }

  public String phone() {
    return phone;
  }

  public String sealed() {
    return sealed;
  }

  public int attempts() {
    return attempts;
  }

  public int sends() {
    return sends;
  }

  public long expiresAt() {
    return expiresAt;
  }

  public long lastSentAt() {
    return lastSentAt;
  }

  /** Whether the gateway accepted at least one send of the current code. */
  public boolean isDelivered() {
    return delivered;
  }

  public boolean isBlocked() {
    return blocked;
  }

  /** The note value: one line, no code in clear. */
  public String toNote() {
    return String.join(
        "|",
        VERSION,
        enc(subject),
        enc(phone),
        enc(salt),
        enc(hash),
        enc(sealed),
        Long.toString(expiresAt),
        Integer.toString(attempts),
        Long.toString(lastSentAt),
        Integer.toString(sends),
        delivered ? "1" : "0",
        blocked ? "1" : "0");
  }

  /** The state kept in a note, or {@code null} when there is none or it cannot be read. */
  public static CodeState fromNote(String note) {
    if (note == null || note.isEmpty()) {
      return null;
    }
    String[] f = note.split("\\|", -1);
    if (f.length != 12 || !VERSION.equals(f[0])) {
      return null;
    }
    try {
      return new CodeState(
          dec(f[1]),
          dec(f[2]),
          dec(f[3]),
          dec(f[4]),
          dec(f[5]),
          Long.parseLong(f[6]),
          Integer.parseInt(f[7]),
          Long.parseLong(f[8]),
          Integer.parseInt(f[9]),
          "1".equals(f[10]),
          "1".equals(f[11]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String enc(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String dec(String value) {
    return value.isEmpty() ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CodeState && toNote().equals(((CodeState) other).toNote());
  }

  @Override
  public int hashCode() {
    return Objects.hash(toNote());
  }

  /** Never prints the hash or the sealed code. */
  @Override
  public String toString() {
    return "CodeState[phone="
        + PhoneNumbers.mask(phone)
        + ", attempts="
        + attempts
        + ", sends="
        + sends
        + ", blocked="
        + blocked
        + "]";
  }
}
