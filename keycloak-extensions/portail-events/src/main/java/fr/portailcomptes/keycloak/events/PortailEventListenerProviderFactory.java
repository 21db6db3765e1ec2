package fr.portailcomptes.keycloak.events;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Registers {@link PortailEventListenerProvider} as the {@value #PROVIDER_ID} event listener. A
 * realm turns it on by listing that id in its event listeners.
 */
public final class PortailEventListenerProviderFactory implements EventListenerProviderFactory {

  public static final String PROVIDER_ID = "portail-events";

  @Override
  public EventListenerProvider create(KeycloakSession session) {
    // A provider per session: the notice is sent after that session's transaction commits.
    return new PortailEventListenerProvider(
        session == null ? PasswordChangeNotifier.NONE : new MailPasswordChangeNotifier(session));
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
}
