package fr.portailcomptes.keycloak.login;

import org.keycloak.authentication.Authenticator;
import org.keycloak.models.KeycloakSession;

/**
 * Registers {@link PortailResetChooseUser} as {@value #PROVIDER_ID}, the reset flow's first step.
 */
public final class PortailResetChooseUserFactory extends RequiredStepFactory {

  public static final String PROVIDER_ID = "portail-reset-choose-user";

  private static final PortailResetChooseUser INSTANCE = new PortailResetChooseUser();

  @Override
  public Authenticator create(KeycloakSession session) {
    return INSTANCE;
  }

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  @Override
  public String getDisplayType() {
    return "Portail - choose user by the portal's identifiers";
  }

  @Override
  public String getHelpText() {
    return "Forgotten password: the portal's identifiers (realm attribute portail.loginScheme) designate"
        + " the user; whether anyone was found is never shown.";
  }

  @Override
  public String getReferenceCategory() {
    return null;
  }
}
