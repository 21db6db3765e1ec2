package fr.portailcomptes.keycloak.login;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** Registers {@link PortailLoginForm} as {@value #PROVIDER_ID}, in place of Keycloak's form. */
public final class PortailLoginFormFactory implements AuthenticatorFactory {

  public static final String PROVIDER_ID = "portail-login-form";

  private static final Requirement[] REQUIREMENT_CHOICES = {Requirement.REQUIRED};

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
