package fr.portailcomptes.keycloak.login;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Registers {@link PortailResetChooseUser} as {@value #PROVIDER_ID}, the reset flow's first step.
 */
public final class PortailResetChooseUserFactory implements AuthenticatorFactory {

  public static final String PROVIDER_ID = "portail-reset-choose-user";

  private static final PortailResetChooseUser INSTANCE = new PortailResetChooseUser();

  private static final Requirement[] REQUIREMENT_CHOICES = {Requirement.REQUIRED};

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

  @Override
  public boolean isConfigurable() {
    return false;
  }

  @Override
  public Requirement[] getRequirementChoices() {
    return REQUIREMENT_CHOICES.clone();
  }

  @Override
  public boolean isUserSetupAllowed() {
    return false;
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return List.of();
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}
}
