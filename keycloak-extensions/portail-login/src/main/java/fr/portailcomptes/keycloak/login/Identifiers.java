package fr.portailcomptes.keycloak.login;

import java.text.Normalizer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a person typed on the login or reset page, for one {@link LoginScheme}: trimmed, and
 * compared the portal's way (names without case or accents, SIRET without spaces).
 */
public final class Identifiers {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-'’]+");
  private static final Pattern SIRET_SPACES = Pattern.compile("[\\s.]+");
  private static final Pattern FOURTEEN_DIGITS = Pattern.compile("\\d{14}");
  private static final int MAX_LENGTH = 255;

  private final LoginScheme scheme;
  private final Map<String, String> values;

  private Identifiers(LoginScheme scheme, Map<String, String> values) {
    this.scheme = scheme;
    this.values = values;
  }

  /** The scheme's fields from the posted form ({@code field -> first value}). */
  public static Identifiers of(LoginScheme scheme, Map<String, String> posted) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String field : scheme.fields()) {
      String value = posted.get(field);
      value = value == null ? "" : value.strip();
      values.put(field, value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value);
    }
    return new Identifiers(scheme, values);
  }

  public LoginScheme scheme() {
    return scheme;
  }

  /** The typed values, trimmed (to show the form again as it was sent). */
  public Map<String, String> values() {
    return Map.copyOf(values);
  }

  public String value(String field) {
    return values.getOrDefault(field, "");
  }

  /** Every field of the scheme has a value. */
  public boolean complete() {
    return values.values().stream().noneMatch(String::isEmpty);
  }

  /** The SIRET typed, digits only, or "" when it is not 14 digits. */
  public String siret() {
    String compact = SIRET_SPACES.matcher(value(LoginScheme.SIRET)).replaceAll("");
    return FOURTEEN_DIGITS.matcher(compact).matches() ? compact : "";
  }

  /** Both names match these (case, accents, hyphens and apostrophes aside). */
  public boolean namesMatch(String lastName, String firstName) {
    return name(value(LoginScheme.LAST_NAME)).equals(name(lastName))
        && name(value(LoginScheme.FIRST_NAME)).equals(name(firstName));
  }

  /** A name as the portal compares it: "Éloïse D'Argent-Lévy" and "eloise d argent levy" match. */
  static String name(String value) {
    if (value == null) {
      return "";
    }
    String bare = MARKS.matcher(Normalizer.normalize(value, Normalizer.Form.NFD)).replaceAll("");
    return SEPARATORS.matcher(bare.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
  }

  /**
   * The identifiers as the resolver compares them (SIRET digits, names without case or accents, a
   * login or address in lower case): every way of typing the same person gives the same text.
   */
  public String canonical() {
    if (scheme == LoginScheme.SIRET_NAMES) {
      return String.join(
          "|", siret(), name(value(LoginScheme.LAST_NAME)), name(value(LoginScheme.FIRST_NAME)));
    }
    return String.join("|", values.values()).toLowerCase(Locale.ROOT);
  }

  /** What the events and the attempted-username note show: the identifiers, not a password. */
  public String display() {
    return String.join(" ", values.values()).strip();
  }
}
