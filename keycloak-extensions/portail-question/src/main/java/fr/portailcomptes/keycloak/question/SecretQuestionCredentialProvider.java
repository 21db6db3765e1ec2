package fr.portailcomptes.keycloak.question;

import java.util.List;
import java.util.Optional;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.credential.CredentialModel;
import org.keycloak.credential.CredentialProvider;
import org.keycloak.credential.CredentialTypeMetadata;
import org.keycloak.credential.CredentialTypeMetadataContext;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Stores and checks secret questions ({@value SecretQuestionCredentialModel#TYPE}): one per person,
 * the answer hashed with the realm's password hashing (its policy's algorithm and iterations),
 * never kept in clear. The account console lists it under "signing in" with the required action
 * that sets or changes it.
 */
public final class SecretQuestionCredentialProvider
    implements CredentialProvider<SecretQuestionCredentialModel>, CredentialInputValidator {

  private final KeycloakSession session;

  SecretQuestionCredentialProvider(KeycloakSession session) {
    this.session = session;
  }

  @Override
  public String getType() {
    return SecretQuestionCredentialModel.TYPE;
  }

  /** The person's question (the answer stays hashed), if it chose one. */
  public Optional<SecretQuestionCredentialModel> stored(UserModel user) {
    return user.credentialManager()
        .getStoredCredentialsByTypeStream(SecretQuestionCredentialModel.TYPE)
        .findFirst()
        .map(SecretQuestionCredentialModel::from);
  }

  /** A new question and answer for the person, in place of the one it had. */
  public void choose(RealmModel realm, UserModel user, String question, String answer) {
    createCredential(realm, user, SecretQuestionCredentialModel.of(question, hash(realm, answer)));
  }

  @Override
  public CredentialModel createCredential(
      RealmModel realm, UserModel user, SecretQuestionCredentialModel credential) {
    List<String> old =
        user.credentialManager()
            .getStoredCredentialsByTypeStream(SecretQuestionCredentialModel.TYPE)
            .map(CredentialModel::getId)
            .toList();
    old.forEach(id -> user.credentialManager().removeStoredCredentialById(id));
    return user.credentialManager().createStoredCredential(credential);
  }

  @Override
  public boolean deleteCredential(RealmModel realm, UserModel user, String credentialId) {
    return user.credentialManager().removeStoredCredentialById(credentialId);
  }

  @Override
  public SecretQuestionCredentialModel getCredentialFromModel(CredentialModel model) {
    return SecretQuestionCredentialModel.from(model);
  }

  @Override
  public CredentialTypeMetadata getCredentialTypeMetadata(
      CredentialTypeMetadataContext metadataContext) {
    return CredentialTypeMetadata.builder()
        .type(getType())
        .category(CredentialTypeMetadata.Category.BASIC_AUTHENTICATION)
        .displayName("portailQuestionDisplayName")
        .helpText("portailQuestionHelpText")
        .iconCssClass("kcAuthenticatorPasswordClass")
        .createAction(SecretQuestionRequiredActionFactory.PROVIDER_ID)
        .updateAction(SecretQuestionRequiredActionFactory.PROVIDER_ID)
        .removeable(true)
        .build(session);
  }

  @Override
  public boolean supportsCredentialType(String credentialType) {
    return getType().equals(credentialType);
  }

  @Override
  public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
    return supportsCredentialType(credentialType) && stored(user).isPresent();
  }

  /** Whether the typed answer is the person's (case-sensitive, spaces made regular). */
  @Override
  public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
    if (!supportsCredentialType(input.getType())) {
      return false;
    }
    return stored(user).map(s -> matches(user, s, input.getChallengeResponse())).orElse(false);
  }

  /** Whether the answer is the one of this stored question (read once by the caller). */
  public boolean matches(UserModel user, SecretQuestionCredentialModel stored, String answer) {
    PasswordCredentialModel hashed = stored.hashed();
    PasswordHashProvider hasher =
        session.getProvider(
            PasswordHashProvider.class, hashed.getPasswordCredentialData().getAlgorithm());
    if (hasher == null) {
      return false;
    }
    return hasher.verify(SecretQuestions.normalize(answer), hashed);
  }

  private PasswordCredentialModel hash(RealmModel realm, String answer) {
    PasswordPolicy policy = realm.getPasswordPolicy();
    String algorithm = policy == null ? null : policy.getHashAlgorithm();
    PasswordHashProvider hasher =
        algorithm == null
            ? session.getProvider(PasswordHashProvider.class)
            : session.getProvider(PasswordHashProvider.class, algorithm);
    int iterations = policy == null ? -1 : policy.getHashIterations();
    return hasher.encodedCredential(SecretQuestions.normalize(answer), iterations);
  }
}
