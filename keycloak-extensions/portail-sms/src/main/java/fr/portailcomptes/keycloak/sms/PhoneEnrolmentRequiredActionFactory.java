package fr.portailcomptes.keycloak.sms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.userprofile.ValidationException;
import org.keycloak.validate.ValidationError;

/**
 * Registers {@link PhoneEnrolmentRequiredAction} as the {@value #PROVIDER_ID} required action. A
 * realm must register and enable it (it is also what the SMS authenticator adds when MFA is
 * mandatory and the user has no number).
 */
public final class PhoneEnrolmentRequiredActionFactory implements RequiredActionFactory {

  public static final String PROVIDER_ID = "portail-phone-enrolment";

  private static final List<ProviderConfigProperty> CONFIG = buildConfig();

  private static List<ProviderConfigProperty> buildConfig() {
    List<ProviderConfigProperty> all = new ArrayList<>(SmsAuthenticatorFactory.codeProperties());
    all.addAll(RequiredActionFactory.MAX_AUTH_AGE_CONFIG_PROPERTIES);
    return List.copyOf(all);
  }

  @Override
  public RequiredActionProvider create(KeycloakSession session) {
    return new PhoneEnrolmentRequiredAction(SmsGateway.fromEnvironment());
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {
    SmsGateway.fromEnvironment();
  }

  @Override
  public void close() {}

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  @Override
  public String getDisplayText() {
    return "Portail: enrol a mobile number (SMS)";
  }

  @Override
  public boolean isConfigurable() {
    return true;
  }

  @Override
  public List<ProviderConfigProperty> getConfigMetadata() {
    return CONFIG;
  }

  @Override
  public void validateConfig(
      KeycloakSession session, RealmModel realm, RequiredActionConfigModel model) {
    RequiredActionFactory.super.validateConfig(session, realm, model);
    Map<String, String> config = model.getConfig();
    List<String> problems = SmsSettings.problems(config);
    if (!problems.isEmpty()) {
      String key = problems.get(0).split(" ", 2)[0];
      throw new ValidationException(new ValidationError(getId(), key, "error-invalid-value"));
    }
  }
}
