package fr.portailcomptes.keycloak.sms;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Mobile numbers: reading what people type, the E.164 form we store, the masked form we show.
 *
 * <p>The rules are the provisioner's ({@code provisioner.accounts.domain.normalize_phone} and
 * {@code mask_phone}), so that both sides agree on a number and on how it looks on screen.
 */
public final class PhoneNumbers {

  /** What is wrong with a typed number. */
  public enum Problem {
    /** Nothing typed. */
    EMPTY,
    /** Not a phone number at all. */
    UNREADABLE,
    /** Looks like a number, but not a valid one for its country. */
    INVALID,
    /** A valid number that cannot receive SMS (fixed line, premium rate, ...). */
    NOT_MOBILE
  }

  /** A typed number read: either {@code e164} or {@code problem} is set. */
  public record Parsed(String e164, Problem problem) {
    public boolean ok() {
      return e164 != null;
    }
  }

  public static final String FALLBACK_COUNTRY = "FR";

  private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {}

  /** Strict E.164 check: a plus sign, then 7 to 15 digits, no leading zero. */
  public static boolean isE164(String value) {
    return value != null && E164.matcher(value).matches();
  }

  /**
   * The region used for numbers written without a country code: the realm's setting when it is a
   * known ISO 3166 code (any case), else {@value #FALLBACK_COUNTRY}.
   */
  public static String defaultCountry(String configured) {
    if (configured != null) {
      String region = configured.trim().toUpperCase(Locale.ROOT);
      if (UTIL.getSupportedRegions().contains(region)) {
        return region;
      }
    }
    return FALLBACK_COUNTRY;
  }

  /**
   * Reads a mobile number written any usual way ("+41 (79) 111 22 33", "0041 79 111 22 33", "079
   * 111 22 33" with CH as the default country) into E.164.
   */
  public static Parsed normalizeMobile(String typed, String defaultCountry) {
    if (typed == null || typed.isBlank()) {
      return new Parsed(null, Problem.EMPTY);
    }
    if (typed.length() > 40) {
      return new Parsed(null, Problem.UNREADABLE);
    }
    PhoneNumber number;
    try {
      number = UTIL.parse(typed.trim(), defaultCountry(defaultCountry));
    } catch (NumberParseException e) {
      return new Parsed(null, Problem.UNREADABLE);
    }
    if (!UTIL.isValidNumber(number)) {
      return new Parsed(null, Problem.INVALID);
    }
    PhoneNumberType type = UTIL.getNumberType(number);
    if (type != PhoneNumberType.MOBILE && type != PhoneNumberType.FIXED_LINE_OR_MOBILE) {
      return new Parsed(null, Problem.NOT_MOBILE);
    }
    return new Parsed(UTIL.format(number, PhoneNumberFormat.E164), null);
  }

  /**
   * The stored number as we send it: E.164 as it is; an older or hand-entered value ("079 111 22
   * 33") read with the default country; {@code null} when it is not a usable number.
   */
  public static String usable(String stored, String defaultCountry) {
    if (stored == null || stored.isBlank()) {
      return null;
    }
    String value = stored.trim();
    if (isE164(value)) {
      return value;
    }
    Parsed parsed = normalizeMobile(value, defaultCountry);
    return parsed.ok() ? parsed.e164() : null;
  }

  /**
   * "+41791112233" becomes "+41 79 *** ** 33": enough for its owner to recognise it, not enough to
   * read it out.
   */
  public static String mask(String e164) {
    if (e164 == null || e164.isBlank()) {
      return "";
    }
    try {
      PhoneNumber number = UTIL.parse(e164.trim(), "ZZ");
      String national = String.valueOf(number.getNationalNumber());
      if (national.length() >= 4) {
        return "+"
            + number.getCountryCode()
            + " "
            + national.substring(0, 2)
            + " *** ** "
            + national.substring(national.length() - 2);
      }
    } catch (NumberParseException e) {
      // fall through: show the last two digits only
    }
    String digits = e164.replaceAll("\\D", "");
    return digits.length() >= 2 ? "*** ** " + digits.substring(digits.length() - 2) : "***";
  }
}
