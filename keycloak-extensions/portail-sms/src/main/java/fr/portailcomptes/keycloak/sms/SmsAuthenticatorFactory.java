package fr.portailcomptes.keycloak.sms;

import java.util.ArrayList;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/** Registers {@link SmsAuthenticator} as the {@value #PROVIDER_ID} authenticator. */
public final class SmsAuthenticatorFactory implements AuthenticatorFactory {

  public static final String PROVIDER_ID = "portail-sms-authenticator";

  private static final Requirement[] REQUIREMENTS = {
    Requirement.REQUIRED, Requirement.ALTERNATIVE, Requirement.DISABLED
  };

  static List<ProviderConfigProperty> codeProperties() {
    SmsSettings d = SmsSettings.DEFAULTS;
    return ProviderConfigurationBuilder.create()
        .property()
        .name(SmsSettings.CODE_LENGTH)
        .label("Code length")
        .helpText("Digits in a code (4 to 10).")
        .type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(String.valueOf(d.codeLength()))
        .add()
        .property()
        .name(SmsSettings.TTL_SECONDS)
        .label("Code lifetime (seconds)")
        .helpText("How long a code can be used (30 to 3600).")
        .type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(String.valueOf(d.ttlSeconds()))
        .add()
        .property()
        .name(SmsSettings.MAX_ATTEMPTS)
        .label("Attempts per code")
        .helpText("Wrong codes allowed before this attempt is blocked (1 to 10).")
        .type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(String.valueOf(d.maxAttempts()))
        .add()
        .property()
        .name(SmsSettings.RESEND_COOLDOWN_SECONDS)
        .label("Resend cooldown (seconds)")
        .helpText("Minimum delay between two SMS (0 to 3600).")
        .type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(String.valueOf(d.resendCooldownSeconds()))
        .add()
        .property()
        .name(SmsSettings.MAX_SENDS)
        .label("SMS per attempt")
        .helpText("SMS sent at most per login attempt or enrolment, first one included (1 to 20).")
        .type(ProviderConfigProperty.INTEGER_TYPE)
        .defaultValue(String.valueOf(d.maxSends()))
        .add()
        .build();
  }

  private static final List<ProviderConfigProperty> CONFIG = buildConfig();

  private static List<ProviderConfigProperty> buildConfig() {
    List<ProviderConfigProperty> all = new ArrayList<>(codeProperties());
    ProviderConfigProperty mandatory = new ProviderConfigProperty();
    mandatory.setName(SmsSettings.MANDATORY);
    mandatory.setLabel("MFA mandatory");
    mandatory.setHelpText(
        "On: a user without a mobile number must enrol one (required action "
            + PhoneEnrolmentRequiredActionFactory.PROVIDER_ID
            + ", which must be enabled). Off: such users skip this step.");
    mandatory.setType(ProviderConfigProperty.BOOLEAN_TYPE);
    mandatory.setDefaultValue("false");
    all.add(mandatory);
    ProviderConfigProperty enforced = new ProviderConfigProperty();
    enforced.setName(SmsSettings.ENFORCED);
    enforced.setLabel("MFA for everyone");
    enforced.setHelpText(
        "On: every user of this flow gets the SMS step (and enrols a number first if it has none),"
            + " whatever its account's MFA policy. For the administration UI's flow.");
    enforced.setType(ProviderConfigProperty.BOOLEAN_TYPE);
    enforced.setDefaultValue("false");
    all.add(enforced);
    return List.copyOf(all);
  }

  @Override
  public Authenticator create(KeycloakSession session) {
    return new SmsAuthenticator(SmsGateway.fromEnvironment());
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {
    // Reads the gateway settings once, and says at boot when they are missing.
    SmsGateway.fromEnvironment();
  }

  @Override
  public void close() {}

  @Override
  public String getId() {
    return PROVIDER_ID;
  }

  @Override
  public String getDisplayType() {
    return "Portail: SMS code";
  }

  @Override
  public String getReferenceCategory() {
    return "portail-sms";
  }

  @Override
  public boolean isConfigurable() {
    return true;
  }

  @Override
  public Requirement[] getRequirementChoices() {
    return REQUIREMENTS;
  }

  @Override
  public boolean isUserSetupAllowed() {
    return false;
  }

  @Override
  public String getHelpText() {
    return "Second factor: a one-time code sent by SMS to the user's verified mobile number"
        + " (attribute "
        + SmsVerification.PHONE_ATTRIBUTE
        + "). Place it after the password step.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return CONFIG;
  }
}
