package fr.portailcomptes.keycloak.events;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;

/**
 * Logs one JSON line per tracked event on the {@value #LOGGER} category, and has the account's
 * responsible notified of every password change or reset ({@link PasswordChangeTrigger}, rule 5).
 * One instance per Keycloak session.
 */
public final class PortailEventListenerProvider implements EventListenerProvider {

  /** Log category, so operators can route these lines (e.g. to the audit store) by name. */
  public static final String LOGGER = "fr.portailcomptes.keycloak.events";

  private static final Logger LOG = Logger.getLogger(LOGGER);

  private final PasswordChangeNotifier notifier;

  // One notice per user and session (request), whatever events the change produced.
  private final Set<String> notified = new HashSet<>();

  public PortailEventListenerProvider(PasswordChangeNotifier notifier) {
    this.notifier = notifier == null ? PasswordChangeNotifier.NONE : notifier;
  }

  @Override
  public void onEvent(Event event) {
    if (EventLine.isTracked(event)) {
      LOG.info(EventLine.of(event));
    }
    notify(
        event.getRealmId(),
        PasswordChangeTrigger.userIdOf(event),
        event.getType() == null ? null : event.getType().name());
  }

  @Override
  public void onEvent(AdminEvent event, boolean includeRepresentation) {
    // includeRepresentation is ignored on purpose: a user representation can hold a password.
    if (EventLine.isTracked(event)) {
      LOG.info(EventLine.of(event));
    }
    notify(event.getRealmId(), PasswordChangeTrigger.userIdOf(event), "admin reset-password");
  }

  private void notify(String realmId, Optional<String> userId, String cause) {
    if (userId.isEmpty() || !notified.add(realmId + "/" + userId.get())) {
      return;
    }
    try {
      notifier.passwordChanged(realmId, userId.get(), cause);
    } catch (RuntimeException e) {
      // Never let the notice break the password change.
      Logger.getLogger(MailPasswordChangeNotifier.LOGGER)
          .warnf(
              "password-change notice for user %s failed: %s",
              userId.get(), e.getClass().getSimpleName());
    }
  }

  @Override
  public void close() {}
}
