package fr.portailcomptes.keycloak.admin;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/**
 * Serves {@link AccountsResource} at {@code /admin/realms/{realm}/}{@value #PROVIDER_ID}: inside
 * Keycloak's admin API, so Keycloak authenticates the caller and hands over its permissions and the
 * admin-event builder.
 */
public final class AccountsResourceProviderFactory implements AdminRealmResourceProviderFactory {

  public static final String PROVIDER_ID = "portail-accounts";

  @Override
  public AdminRealmResourceProvider create(KeycloakSession session) {
    return new Provider();
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

  private static final class Provider implements AdminRealmResourceProvider {
    @Override
    public Object getResource(
        KeycloakSession session,
        org.keycloak.models.RealmModel realm,
        org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator auth,
        org.keycloak.services.resources.admin.AdminEventBuilder adminEvent) {
      return new AccountsResource(session, realm, auth, adminEvent);
    }

    @Override
    public void close() {}
  }
}
