package fr.portailcomptes.keycloak.events;

import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;

/** Logs one JSON line per tracked event on the {@value #LOGGER} category. Stateless. */
public final class PortailEventListenerProvider implements EventListenerProvider {

  /** Log category, so operators can route these lines (e.g. to the audit store) by name. */
  public static final String LOGGER = "fr.portailcomptes.keycloak.events";

  private static final Logger LOG = Logger.getLogger(LOGGER);

  @Override
  public void onEvent(Event event) {
    if (EventLine.isTracked(event)) {
      LOG.info(EventLine.of(event));
    }
  }

  @Override
  public void onEvent(AdminEvent event, boolean includeRepresentation) {
    // includeRepresentation is ignored on purpose: a user representation can hold a password.
    if (EventLine.isTracked(event)) {
      LOG.info(EventLine.of(event));
    }
  }

  @Override
  public void close() {}
}
