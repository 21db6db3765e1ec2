package fr.portailcomptes.keycloak.events;

/** Tells an account's responsible that the password of a user was changed or reset (rule 5). */
@FunctionalInterface
public interface PasswordChangeNotifier {

  /** Does nothing: used where there is no Keycloak session. */
  PasswordChangeNotifier NONE = (realmId, userId, cause) -> {};

  /**
   * Notifies about a password change. Must never throw into the event's caller.
   *
   * @param realmId the realm of the user
   * @param userId the user whose password changed
   * @param cause what changed it, for the log (an event type or the admin resource path kind)
   */
  void passwordChanged(String realmId, String userId, String cause);
}
