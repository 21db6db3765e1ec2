package fr.portailcomptes.keycloak.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.util.JsonSerialization;

/**
 * Turns a Keycloak event into one JSON log line, or decides it is not worth one.
 *
 * <p>What goes in is chosen field by field (an allowlist), never copied wholesale: event details
 * and admin representations can carry passwords, codes and tokens, and a new Keycloak version may
 * add more of them. Pure functions, so the "no secret in the log" promise is unit-testable.
 */
public final class EventLine {

  /** User events the support desk and the audit need. */
  static final Set<EventType> USER_EVENT_TYPES =
      EnumSet.of(
          EventType.LOGIN,
          EventType.LOGIN_ERROR,
          EventType.UPDATE_PASSWORD,
          EventType.UPDATE_PASSWORD_ERROR,
          EventType.RESET_PASSWORD,
          EventType.RESET_PASSWORD_ERROR,
          EventType.SEND_RESET_PASSWORD,
          EventType.SEND_RESET_PASSWORD_ERROR);

  /** Event details that name or describe, never prove: safe to log. */
  static final Set<String> SAFE_DETAILS =
      Set.of(
          Details.USERNAME,
          Details.EMAIL,
          Details.AUTH_METHOD,
          Details.AUTH_TYPE,
          Details.IDENTITY_PROVIDER,
          Details.CREDENTIAL_TYPE,
          Details.REASON);

  /** Admin events that change a user: the user itself, its groups, roles and lockout. */
  private static final Set<ResourceType> USER_RESOURCE_TYPES =
      EnumSet.of(
          ResourceType.USER,
          ResourceType.USER_LOGIN_FAILURE,
          ResourceType.GROUP_MEMBERSHIP,
          ResourceType.REALM_ROLE_MAPPING,
          ResourceType.CLIENT_ROLE_MAPPING);

  private EventLine() {}

  static boolean isTracked(Event event) {
    return event.getType() != null && USER_EVENT_TYPES.contains(event.getType());
  }

  static boolean isTracked(AdminEvent event) {
    ResourceType type = event.getResourceType();
    if (type == ResourceType.USER || type == ResourceType.USER_LOGIN_FAILURE) {
      return true;
    }
    // Role and group mappings also exist on groups and clients: keep the ones on users.
    String path = event.getResourcePath();
    return USER_RESOURCE_TYPES.contains(type) && path != null && path.startsWith("users/");
  }

  /** The log line of a user event. */
  public static String of(Event event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("kind", "user");
    line.put("type", event.getType() == null ? null : event.getType().name());
    line.put("time", Instant.ofEpochMilli(event.getTime()).toString());
    line.put("realm", event.getRealmName());
    line.put("realmId", event.getRealmId());
    line.put("clientId", event.getClientId());
    line.put("userId", event.getUserId());
    line.put("ipAddress", event.getIpAddress());
    line.put("error", event.getError());
    Map<String, String> details = event.getDetails();
    if (details != null) {
      details.entrySet().stream()
          .filter(e -> SAFE_DETAILS.contains(e.getKey()))
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> line.put(e.getKey(), e.getValue()));
    }
    return toJson(line);
  }

  /** The log line of an admin event; its representation and details are never included. */
  public static String of(AdminEvent event) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("kind", "admin");
    line.put(
        "operation", event.getOperationType() == null ? null : event.getOperationType().name());
    line.put("resourceType", event.getResourceTypeAsString());
    line.put("resourcePath", event.getResourcePath());
    line.put("time", Instant.ofEpochMilli(event.getTime()).toString());
    line.put("realm", event.getRealmName());
    line.put("realmId", event.getRealmId());
    AuthDetails actor = event.getAuthDetails();
    if (actor != null) {
      line.put("actorRealmId", actor.getRealmId());
      line.put("actorClientId", actor.getClientId());
      line.put("actorUserId", actor.getUserId());
      line.put("ipAddress", actor.getIpAddress());
    }
    line.put("error", event.getError());
    return toJson(line);
  }

  // JSON, not free text: a username with a newline or quotes cannot forge a second log line.
  private static String toJson(Map<String, Object> line) {
    line.values().removeIf(v -> v == null);
    try {
      return JsonSerialization.writeValueAsString(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
