package fr.portailcomptes.keycloak.gates;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Registers {@link RefuseAccessAuthenticator} as the {@value #PROVIDER_ID} authenticator, the last
 * step of the realm's teleprocedure gates (conditional subflow: scope asked, role missing).
 */
public final class RefuseAccessAuthenticatorFactory implements AuthenticatorFactory {

  public static final String PROVIDER_ID = "portail-deny-teleprocedure";

  private static final RefuseAccessAuthenticator INSTANCE = new RefuseAccessAuthenticator();

  private static final Requirement[] REQUIREMENT_CHOICES = {
    Requirement.REQUIRED, Requirement.DISABLED
  };

  private static final List<ProviderConfigProperty> CONFIG_PROPERTIES =
      ProviderConfigurationBuilder.create()
          .property()
          .name(RefusalConfig.MESSAGE)
          .label("Error message")
          .helpText(
              "Message shown on the error page: a message key (theme message or realm"
                  + " localization text, e.g. portail.tp-denied.dsn) or a text. Blank: Keycloak's"
                  + " 'access-denied'.")
          .type(ProviderConfigProperty.STRING_TYPE)
          .add()
          .build();

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
    return "Portail - refuse access (no brute-force count)";
  }

  @Override
  public String getHelpText() {
    return "Always refuses access with an error page (HTTP 403) showing the configured message."
        + " Unlike 'Deny access', the refusal is not counted as a failed login by brute-force"
        + " detection. Meant as the last step of a conditional subflow.";
  }

  @Override
  public String getReferenceCategory() {
    return null;
  }

  @Override
  public boolean isConfigurable() {
    return true;
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
    return CONFIG_PROPERTIES;
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}
}
