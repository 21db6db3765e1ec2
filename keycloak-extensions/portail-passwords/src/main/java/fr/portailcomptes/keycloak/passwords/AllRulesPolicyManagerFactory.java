package fr.portailcomptes.keycloak.passwords;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PasswordPolicyManagerProviderFactory;

/**
 * Registers {@link AllRulesPolicyManager} as {@value #PROVIDER_ID}, the realm's password policy
 * manager: its order above Keycloak's own ("default", 0) makes it the one Keycloak uses, with no
 * server option to set.
 */
public final class AllRulesPolicyManagerFactory implements PasswordPolicyManagerProviderFactory {

  public static final String PROVIDER_ID = "portail-all-rules";

  @Override
  public PasswordPolicyManagerProvider create(KeycloakSession session) {
    return new AllRulesPolicyManager(session);
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
  public int order() {
    return 10;
  }
}
