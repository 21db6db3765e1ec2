package fr.portailcomptes.keycloak.events;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

/**
 * Decides which events are a password change or reset of a user, i.e. which ones notify the
 * account's responsible (rule 5). Pure functions.
 *
 * <ul>
 *   <li>User events {@code UPDATE_PASSWORD} (required action at login, account console) and {@code
 *       RESET_PASSWORD}, successful only. Keycloak 26 also emits {@code UPDATE_CREDENTIAL} (type
 *       password) for the same change: not a trigger, or the responsible would get two mails.
 *   <li>The admin event of {@code PUT /admin/realms/{realm}/users/{id}/reset-password}: Keycloak
 *       26.5 emits it as operation {@code ACTION}, resource {@code USER}, path {@code
 *       users/{id}/reset-password}; {@code UPDATE} is accepted too. Not {@code
 *       reset-password-email} (a link is sent, nothing changed yet) nor {@code
 *       execute-actions-email}.
 * </ul>
 */
public final class PasswordChangeTrigger {

  private static final Pattern ADMIN_RESET_PATH = Pattern.compile("users/([^/]+)/reset-password/?");

  private PasswordChangeTrigger() {}

  /** The id of the user whose password this user event changed, if it did. */
  public static Optional<String> userIdOf(Event event) {
    if (event == null || event.getError() != null || blank(event.getUserId())) {
      return Optional.empty();
    }
    EventType type = event.getType();
    if (type == EventType.UPDATE_PASSWORD || type == EventType.RESET_PASSWORD) {
      return Optional.of(event.getUserId());
    }
    return Optional.empty();
  }

  /** The id of the user whose password this admin event changed, if it did. */
  public static Optional<String> userIdOf(AdminEvent event) {
    if (event == null
        || event.getError() != null
        || event.getResourceType() != ResourceType.USER
        || (event.getOperationType() != OperationType.ACTION
            && event.getOperationType() != OperationType.UPDATE)
        || event.getResourcePath() == null) {
      return Optional.empty();
    }
    Matcher path = ADMIN_RESET_PATH.matcher(event.getResourcePath());
    return path.matches() ? Optional.of(path.group(1)) : Optional.empty();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
