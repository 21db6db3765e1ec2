package fr.portailcomptes.keycloak.sms;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SMS code rules, read from an authenticator or required-action config map (typed wrapper).
 *
 * <p>Parsing is lenient: a missing, unreadable or out-of-range value falls back to its default, so
 * that a typo in the admin console never breaks logins; {@link #problems(Map)} names such values
 * for validation and logs.
 *
 * @param codeLength digits in a code (6 to 10, default 6: never fewer, whatever the config says)
 * @param ttlSeconds lifetime of a code (30 to 3600, default 300)
 * @param maxAttempts wrong entries allowed per code before this login attempt is blocked (1 to 10,
 *     default 3)
 * @param resendCooldownSeconds minimum delay between two sends (0 to 3600, default 30)
 * @param maxSends sends allowed per login attempt or enrolment, first one included (1 to 20,
 *     default 5)
 * @param mandatory users without a number must enrol one (authenticator only, default false)
 * @param enforced every user of this flow has the SMS step, whatever its account's policy (the
 *     administration UI's flow; authenticator only, default false)
 */
public record SmsSettings(
    int codeLength,
    int ttlSeconds,
    int maxAttempts,
    int resendCooldownSeconds,
    int maxSends,
    boolean mandatory,
    boolean enforced) {

  public static final String CODE_LENGTH = "codeLength";
  public static final String TTL_SECONDS = "ttlSeconds";
  public static final String MAX_ATTEMPTS = "maxAttempts";
  public static final String RESEND_COOLDOWN_SECONDS = "resendCooldownSeconds";
  public static final String MAX_SENDS = "maxSends";
  public static final String MANDATORY = "mandatory";
  public static final String ENFORCED = "enforced";

  public static final SmsSettings DEFAULTS = new SmsSettings(6, 300, 3, 30, 5, false, false);

  /** User attribute written by the provisioner: a per-account override of {@code mandatory}. */
  public static final String USER_POLICY_ATTRIBUTE = "portail.mfa";

  /**
   * Whether this user must have a second factor: the account's policy ({@code required} or {@code
   * optional}, from {@link #USER_POLICY_ATTRIBUTE}) wins over the flow's {@code mandatory}.
   */
  public boolean mandatoryFor(String userPolicy) {
    if (enforced || "required".equals(userPolicy)) {
      return true;
    }
    if ("optional".equals(userPolicy)) {
      return false;
    }
    return mandatory;
  }

  private record Range(String key, int min, int max, int fallback) {}

  private static final List<Range> RANGES =
      List.of(
          new Range(CODE_LENGTH, 6, 10, DEFAULTS.codeLength),
          new Range(TTL_SECONDS, 30, 3600, DEFAULTS.ttlSeconds),
          new Range(MAX_ATTEMPTS, 1, 10, DEFAULTS.maxAttempts),
          new Range(RESEND_COOLDOWN_SECONDS, 0, 3600, DEFAULTS.resendCooldownSeconds),
          new Range(MAX_SENDS, 1, 20, DEFAULTS.maxSends));

  /** The settings of a config map; {@code null} or an empty map gives {@link #DEFAULTS}. */
  public static SmsSettings of(Map<String, String> config) {
    Map<String, String> map = config == null ? Map.of() : config;
    return new SmsSettings(
        intValue(map, RANGES.get(0)),
        intValue(map, RANGES.get(1)),
        intValue(map, RANGES.get(2)),
        intValue(map, RANGES.get(3)),
        intValue(map, RANGES.get(4)),
        boolValue(map.get(MANDATORY), DEFAULTS.mandatory),
        boolValue(map.get(ENFORCED), DEFAULTS.enforced));
  }

  /** Human-readable problems of a config map (empty when every given value is usable). */
  public static List<String> problems(Map<String, String> config) {
    List<String> problems = new ArrayList<>();
    if (config == null) {
      return problems;
    }
    for (Range range : RANGES) {
      String raw = config.get(range.key);
      if (raw == null || raw.isBlank()) {
        continue;
      }
      Integer value = parseInt(raw);
      if (value == null || value < range.min || value > range.max) {
        problems.add(
            range.key
                + " must be a whole number from "
                + range.min
                + " to "
                + range.max
                + ": "
                + raw);
      }
    }
    for (String key : List.of(MANDATORY, ENFORCED)) {
      String value = config.get(key);
      if (value != null && !value.isBlank() && parseBool(value) == null) {
        problems.add(key + " must be true or false: " + value);
      }
    }
    return problems;
  }

  /** Lifetime in whole minutes, rounded up (for the SMS text). */
  public int ttlMinutes() {
    return (ttlSeconds + 59) / 60;
  }

  private static int intValue(Map<String, String> map, Range range) {
    Integer value = parseInt(map.get(range.key));
    if (value == null || value < range.min || value > range.max) {
      return range.fallback;
    }
    return value;
  }

  private static boolean boolValue(String raw, boolean fallback) {
    Boolean value = parseBool(raw);
    return value == null ? fallback : value;
  }

  private static Integer parseInt(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Boolean parseBool(String raw) {
    if (raw == null) {
      return null;
    }
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "on":
      case "yes":
        return Boolean.TRUE;
      case "false":
      case "off":
      case "no":
        return Boolean.FALSE;
      default:
        return null;
    }
  }
}
