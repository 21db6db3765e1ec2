package fr.portailcomptes.keycloak.question;

import org.keycloak.credential.CredentialProviderFactory;
import org.keycloak.models.KeycloakSession;

/** Registers {@link SecretQuestionCredentialProvider} as {@value #PROVIDER_ID}. */
public final class SecretQuestionCredentialProviderFactory
    implements CredentialProviderFactory<SecretQuestionCredentialProvider> {

  public static final String PROVIDER_ID = "portail-secret-question";

  @Override
  public SecretQuestionCredentialProvider create(KeycloakSession session) {
    return new SecretQuestionCredentialProvider(session);
  }

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  /** This module's provider, from a session. */
  static SecretQuestionCredentialProvider of(KeycloakSession session) {
    return (SecretQuestionCredentialProvider)
        session.getProvider(org.keycloak.credential.CredentialProvider.class, PROVIDER_ID);
  }
}
