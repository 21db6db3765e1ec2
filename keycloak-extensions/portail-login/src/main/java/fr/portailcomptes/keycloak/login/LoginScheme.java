package fr.portailcomptes.keycloak.login;

import java.util.List;
import java.util.Locale;

/**
 * What a portal asks on its login and reset pages (DESIGN rule 21), read from the realm attribute
 * {@value #REALM_ATTRIBUTE} (the provisioner writes it from the realm file's {@code
 * portal.loginScheme}).
 */
public enum LoginScheme {
  /** The account's login ({@code asp1ent}, {@code tbn1.asp1ent}): the Keycloak username. */
  ACCOUNT_LOGIN("account-login", List.of(LoginScheme.USERNAME)),
  /** The person's e-mail address (the realm refuses duplicate e-mail addresses). */
  EMAIL("email", List.of(LoginScheme.USERNAME)),
  /** The establishment's SIRET and the person's last and first names (net-entreprises). */
  SIRET_NAMES(
      "siret-names", List.of(LoginScheme.SIRET, LoginScheme.LAST_NAME, LoginScheme.FIRST_NAME));

  public static final String REALM_ATTRIBUTE = "portail.loginScheme";

  /** Form fields. */
  public static final String USERNAME = "username";

  public static final String SIRET = "siret";
  public static final String LAST_NAME = "lastName";
  public static final String FIRST_NAME = "firstName";

  private final String id;
  private final List<String> fields;

  LoginScheme(String id, List<String> fields) {
    this.id = id;
    this.fields = fields;
  }

  public String id() {
    return id;
  }

  /** The form fields of this scheme, in page order (the password comes after them). */
  public List<String> fields() {
    return fields;
  }

  /** The scheme named by the realm attribute; blank or unknown: the account login. */
  public static LoginScheme of(String value) {
    String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (LoginScheme scheme : values()) {
      if (scheme.id.equals(wanted)) {
        return scheme;
      }
    }
    return ACCOUNT_LOGIN;
  }
}
