package fr.portailcomptes.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

class PasswordChangeTriggerTest {

  @ParameterizedTest
  @EnumSource(
      value = EventType.class,
      names = {"UPDATE_PASSWORD", "RESET_PASSWORD"})
  void successfulPasswordUpdateAndResetTrigger(EventType type) {
    assertEquals(Optional.of("user-1"), PasswordChangeTrigger.userIdOf(userEvent(type)));
  }

  @ParameterizedTest
  @EnumSource(
      value = EventType.class,
      names = {"UPDATE_PASSWORD", "RESET_PASSWORD"},
      mode = EnumSource.Mode.EXCLUDE)
  void noOtherUserEventTriggers(EventType type) {
    // UPDATE_CREDENTIAL comes with UPDATE_PASSWORD for the same change; SEND_RESET_PASSWORD only
    // mails a link; the *_ERROR variants changed nothing.
    assertTrue(PasswordChangeTrigger.userIdOf(userEvent(type)).isEmpty(), type.name());
  }

  @Test
  void aFailedOrAnonymousEventDoesNotTrigger() {
    Event failed = userEvent(EventType.UPDATE_PASSWORD);
    failed.setError("password_rejected");
    assertTrue(PasswordChangeTrigger.userIdOf(failed).isEmpty());

    Event anonymous = userEvent(EventType.RESET_PASSWORD);
    anonymous.setUserId(null);
    assertTrue(PasswordChangeTrigger.userIdOf(anonymous).isEmpty());
    assertTrue(PasswordChangeTrigger.userIdOf(new Event()).isEmpty());
  }

  @Test
  void adminResetPasswordAsKeycloakEmitsItTriggers() {
    // PUT /admin/realms/{realm}/users/{id}/reset-password in Keycloak 26.5.
    assertEquals(
        Optional.of("0b7e-42"),
        PasswordChangeTrigger.userIdOf(
            adminEvent(OperationType.ACTION, ResourceType.USER, "users/0b7e-42/reset-password")));
    assertEquals(
        Optional.of("0b7e-42"),
        PasswordChangeTrigger.userIdOf(
            adminEvent(OperationType.UPDATE, ResourceType.USER, "users/0b7e-42/reset-password")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "users/u1",
        "users/u1/reset-password-email",
        "users/u1/execute-actions-email",
        "users/u1/credentials/c1",
        "users/u1/logout",
        "groups/g1/reset-password",
        "users/u1/reset-password/extra"
      })
  void otherAdminActionsOnUsersDoNotTrigger(String path) {
    assertTrue(
        PasswordChangeTrigger.userIdOf(adminEvent(OperationType.ACTION, ResourceType.USER, path))
            .isEmpty(),
        path);
  }

  @Test
  void adminResetWithAnotherOperationTypeOrErrorDoesNotTrigger() {
    String path = "users/u1/reset-password";
    assertTrue(
        PasswordChangeTrigger.userIdOf(adminEvent(OperationType.CREATE, ResourceType.USER, path))
            .isEmpty());
    assertTrue(
        PasswordChangeTrigger.userIdOf(adminEvent(OperationType.DELETE, ResourceType.USER, path))
            .isEmpty());
    assertTrue(
        PasswordChangeTrigger.userIdOf(adminEvent(OperationType.ACTION, ResourceType.CLIENT, path))
            .isEmpty());
    AdminEvent failed = adminEvent(OperationType.ACTION, ResourceType.USER, path);
    failed.setError("invalid_password");
    assertTrue(PasswordChangeTrigger.userIdOf(failed).isEmpty());
    assertTrue(PasswordChangeTrigger.userIdOf(new AdminEvent()).isEmpty());
  }

  static Event userEvent(EventType type) {
    return EventLineTest.userEvent(type);
  }

  static AdminEvent adminEvent(OperationType operation, ResourceType type, String path) {
    AdminEvent event = EventLineTest.adminEvent(type, path);
    event.setOperationType(operation);
    event.setRealmId("realm-1");
    return event;
  }
}
