package fr.portailcomptes.keycloak.question;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Registers {@link SecretQuestionAuthenticator} as {@value #PROVIDER_ID}, for the reset flow. Its
 * display type is a theme message key too: the "try another way" page shows it.
 */
public final class SecretQuestionAuthenticatorFactory implements AuthenticatorFactory {

  public static final String PROVIDER_ID = "portail-secret-question";

  private static final SecretQuestionAuthenticator INSTANCE = new SecretQuestionAuthenticator();
  private static final Requirement[] REQUIREMENT_CHOICES = {
    Requirement.ALTERNATIVE, Requirement.REQUIRED, Requirement.DISABLED
  };

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
    return "Portail - secret question";
  }

  @Override
  public String getHelpText() {
    return "Portail - secret question help";
  }

  /**
   * None: Keycloak's brute-force protection counts the failures of steps without a category (as
   * wrong passwords are counted), and ignores those of categories it does not know.
   */
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
