package fr.portailcomptes.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.util.JsonSerialization;

class EventLineTest {

  private static final String PASSWORD = "Tr0ub4dor&3-not-in-logs";

  @Test
  void loginErrorBecomesOneJsonLineWithTheFieldsSupportNeeds() throws Exception {
    Event event = userEvent(EventType.LOGIN_ERROR);
    event.setError("invalid_user_credentials");
    event.getDetails().put("username", "asp1ent");
    event.getDetails().put("auth_method", "openid-connect");

    String line = EventLine.of(event);

    assertFalse(line.contains("\n"));
    Map<?, ?> json = JsonSerialization.readValue(line, Map.class);
    assertEquals("user", json.get("kind"));
    assertEquals("LOGIN_ERROR", json.get("type"));
    assertEquals("portail-demo", json.get("realm"));
    assertEquals("user-1", json.get("userId"));
    assertEquals("203.0.113.7", json.get("ipAddress"));
    assertEquals("invalid_user_credentials", json.get("error"));
    assertEquals("asp1ent", json.get("username"));
    assertEquals("1970-01-01T00:00:01Z", json.get("time"));
  }

  @Test
  void userEventDetailsOutsideTheAllowlistAreDropped() throws Exception {
    Event event = userEvent(EventType.RESET_PASSWORD);
    event.getDetails().put("username", "cs1.asp1ent");
    event.getDetails().put("password", PASSWORD);
    event.getDetails().put("code_id", "auth-session-secret");
    event.getDetails().put("token_id", "token-secret");
    event.getDetails().put("redirect_uri", "https://app.example/cb?code=oauth-code-secret");

    String line = EventLine.of(event);

    assertFalse(line.contains(PASSWORD), line);
    assertFalse(line.contains("auth-session-secret"), line);
    assertFalse(line.contains("token-secret"), line);
    assertFalse(line.contains("oauth-code-secret"), line);
    assertTrue(line.contains("cs1.asp1ent"), line);
  }

  @Test
  void adminEventNeverIncludesTheRepresentation() throws Exception {
    AdminEvent event = new AdminEvent();
    event.setTime(1_000L);
    event.setRealmId("realm-1");
    event.setRealmName("portail-demo");
    event.setOperationType(OperationType.ACTION);
    event.setResourceType(ResourceType.USER);
    event.setResourcePath("users/user-1/reset-password");
    event.setRepresentation(
        "{\"type\":\"password\",\"value\":\"" + PASSWORD + "\",\"temporary\":false}");
    event.setDetails(new HashMap<>(Map.of("secret", PASSWORD)));
    AuthDetails actor = new AuthDetails();
    actor.setRealmId("realm-1");
    actor.setClientId("portail-provisioner");
    actor.setUserId("service-account-1");
    actor.setIpAddress("198.51.100.4");
    event.setAuthDetails(actor);

    String line = EventLine.of(event);

    assertFalse(line.contains(PASSWORD), line);
    assertFalse(line.contains("representation"), line);
    Map<?, ?> json = JsonSerialization.readValue(line, Map.class);
    assertEquals("admin", json.get("kind"));
    assertEquals("ACTION", json.get("operation"));
    assertEquals("USER", json.get("resourceType"));
    assertEquals("users/user-1/reset-password", json.get("resourcePath"));
    assertEquals("service-account-1", json.get("actorUserId"));
    assertEquals("portail-provisioner", json.get("actorClientId"));
  }

  @Test
  void aNewlineInAUsernameCannotForgeASecondLine() {
    Event event = userEvent(EventType.LOGIN_ERROR);
    event.getDetails().put("username", "x\n{\"kind\":\"user\",\"type\":\"LOGIN\"}");

    assertFalse(EventLine.of(event).contains("\n"));
  }

  @Test
  void tracksOnlyTheListedUserEvents() {
    for (EventType type : EventLine.USER_EVENT_TYPES) {
      assertTrue(EventLine.isTracked(userEvent(type)), type.name());
    }
    assertFalse(EventLine.isTracked(userEvent(EventType.CODE_TO_TOKEN)));
    assertFalse(EventLine.isTracked(userEvent(EventType.REFRESH_TOKEN)));
    assertFalse(EventLine.isTracked(new Event()));
  }

  @Test
  void tracksAdminEventsOnUsersOnly() {
    assertTrue(EventLine.isTracked(adminEvent(ResourceType.USER, "users/u1")));
    assertTrue(
        EventLine.isTracked(
            adminEvent(ResourceType.USER_LOGIN_FAILURE, "attack-detection/brute-force/users/u1")));
    assertTrue(
        EventLine.isTracked(adminEvent(ResourceType.GROUP_MEMBERSHIP, "users/u1/groups/g1")));
    assertTrue(
        EventLine.isTracked(
            adminEvent(ResourceType.REALM_ROLE_MAPPING, "users/u1/role-mappings/realm")));
    assertFalse(
        EventLine.isTracked(
            adminEvent(ResourceType.REALM_ROLE_MAPPING, "groups/g1/role-mappings/realm")));
    assertFalse(EventLine.isTracked(adminEvent(ResourceType.CLIENT, "clients/c1")));
  }

  static Event userEvent(EventType type) {
    Event event = new Event();
    event.setType(type);
    event.setTime(1_000L);
    event.setRealmId("realm-1");
    event.setRealmName("portail-demo");
    event.setClientId("account-console");
    event.setUserId("user-1");
    event.setIpAddress("203.0.113.7");
    event.setDetails(new HashMap<>());
    return event;
  }

  static AdminEvent adminEvent(ResourceType type, String path) {
    AdminEvent event = new AdminEvent();
    event.setOperationType(OperationType.UPDATE);
    event.setResourceType(type);
    event.setResourcePath(path);
    return event;
  }
}
