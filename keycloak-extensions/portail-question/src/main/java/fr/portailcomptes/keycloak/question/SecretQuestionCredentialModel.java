package fr.portailcomptes.keycloak.question;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.credential.dto.PasswordCredentialData;
import org.keycloak.models.credential.dto.PasswordSecretData;
import org.keycloak.util.JsonSerialization;

/**
 * A person's secret question: its key (credential data, with how the answer was hashed) and the
 * answer's hash and salt (secret data), made by the realm's password hashing.
 */
public final class SecretQuestionCredentialModel extends CredentialModel {

  public static final String TYPE = "portail-secret-question";

  /** What is stored in the credential data. */
  public static final class Data {
    public String question;
    public PasswordCredentialData hash;
  }

  private Data data;

  /** A new credential from the chosen question and the answer's hash. */
  static SecretQuestionCredentialModel of(String question, PasswordCredentialModel hashed) {
    SecretQuestionCredentialModel model = new SecretQuestionCredentialModel();
    Data data = new Data();
    data.question = question;
    data.hash = hashed.getPasswordCredentialData();
    model.data = data;
    model.setType(TYPE);
    model.setUserLabel(question);
    model.setCreatedDate(System.currentTimeMillis());
    model.setCredentialData(write(data));
    model.setSecretData(hashed.getSecretData());
    return model;
  }

  /** The stored credential read back. */
  static SecretQuestionCredentialModel from(CredentialModel stored) {
    SecretQuestionCredentialModel model = new SecretQuestionCredentialModel();
    model.setId(stored.getId());
    model.setType(stored.getType());
    model.setUserLabel(stored.getUserLabel());
    model.setCreatedDate(stored.getCreatedDate());
    model.setCredentialData(stored.getCredentialData());
    model.setSecretData(stored.getSecretData());
    try {
      model.data = JsonSerialization.readValue(stored.getCredentialData(), Data.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable secret question credential", e);
    }
    return model;
  }

  public String question() {
    return data.question;
  }

  /** The answer's hash as Keycloak's password hashing providers read it. */
  PasswordCredentialModel hashed() {
    try {
      PasswordSecretData secret =
          JsonSerialization.readValue(getSecretData(), PasswordSecretData.class);
      return PasswordCredentialModel.createFromValues(data.hash, secret);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable secret question credential", e);
    }
  }

  private static String write(Data data) {
    try {
      return JsonSerialization.writeValueAsString(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
