package fr.portailcomptes.keycloak.login;

import java.util.List;
import java.util.Map;

/**
 * What the theme's {@code login.ftl} and {@code login-reset-password.ftl} read as {@code
 * portailLogin}: the scheme, its fields in order, and what was typed (shown again after an error).
 * JavaBean getters, as FreeMarker reads them.
 */
public final class LoginPage {

  public static final String ATTRIBUTE = "portailLogin";

  private final String scheme;
  private final List<String> fields;
  private final Map<String, String> values;

  private LoginPage(String scheme, List<String> fields, Map<String, String> values) {
    this.scheme = scheme;
    this.fields = fields;
    this.values = values;
  }

  static LoginPage of(Identifiers typed) {
    return new LoginPage(typed.scheme().id(), typed.scheme().fields(), typed.values());
  }

  public String getScheme() {
    return scheme;
  }

  public List<String> getFields() {
    return fields;
  }

  /** The typed value of a field, or "". */
  public String value(String field) {
    return values.getOrDefault(field, "");
  }
}
