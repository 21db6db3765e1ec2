package fr.portailcomptes.keycloak.question;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Registers {@link SecretQuestionRequiredAction} as {@value #PROVIDER_ID}. Every portal registers
 * and enables it (the shared base); it does nothing where the realm lists no questions.
 */
public final class SecretQuestionRequiredActionFactory implements RequiredActionFactory {

  public static final String PROVIDER_ID = "portail-secret-question";

  private static final SecretQuestionRequiredAction INSTANCE = new SecretQuestionRequiredAction();

  @Override
  public RequiredActionProvider create(KeycloakSession session) {
    return INSTANCE;
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  @Override
  public String getDisplayText() {
    return "Portail: choose a secret question";
  }
}
