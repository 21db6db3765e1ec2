package fr.portailcomptes.keycloak.login;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/** Registers {@link PortailLoginForm} as {@value #PROVIDER_ID}, in place of Keycloak's form. */
public final class PortailLoginFormFactory extends RequiredStepFactory {

  public static final String PROVIDER_ID = "portail-login-form";

  @Override
  public Authenticator create(KeycloakSession session) {
    return new PortailLoginForm(session); // holds what this request typed: one per request
  }

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  @Override
  public String getDisplayType() {
    return "Portail - identifiers and password";
  }

  @Override
  public String getHelpText() {
    return "The portal's identifiers (realm attribute portail.loginScheme: account-login, email or"
        + " siret-names) and the password; unknown and ambiguous identifiers answer as a wrong"
        + " password does.";
  }

  @Override
  public String getReferenceCategory() {
    return "password";
  }
}
