package fr.portailcomptes.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

/** What the provider really writes to the log (JBoss Logging routed to JUL by surefire). */
class PortailEventListenerProviderTest {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger jul = Logger.getLogger(PortailEventListenerProvider.LOGGER);
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private final PortailEventListenerProvider provider =
      (PortailEventListenerProvider) new PortailEventListenerProviderFactory().create(null);

  @BeforeEach
  void captureLog() {
    jul.setLevel(Level.ALL);
    jul.setUseParentHandlers(false);
    jul.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    jul.removeHandler(capture);
    jul.setUseParentHandlers(true);
  }

  @Test
  void writesOneLinePerTrackedUserEventAndNoneForOthers() {
    provider.onEvent(EventLineTest.userEvent(EventType.LOGIN));
    provider.onEvent(EventLineTest.userEvent(EventType.CODE_TO_TOKEN));

    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"type\":\"LOGIN\""), lines.get(0));
  }

  @Test
  void adminPasswordResetIsLoggedWithoutThePasswordEvenWhenRepresentationsAreOn() {
    AdminEvent event = EventLineTest.adminEvent(ResourceType.USER, "users/u1/reset-password");
    event.setOperationType(OperationType.ACTION);
    event.setRepresentation("{\"type\":\"password\",\"value\":\"S3cret-P4ss!\"}");

    provider.onEvent(event, true);

    assertEquals(1, lines.size(), lines.toString());
    assertFalse(lines.get(0).contains("S3cret-P4ss!"), lines.get(0));
    assertTrue(lines.get(0).contains("users/u1/reset-password"), lines.get(0));
  }

  @Test
  void passwordChangesNotifyOncePerUserAndOtherEventsDoNot() {
    List<String> notices = new CopyOnWriteArrayList<>();
    PortailEventListenerProvider notifying =
        new PortailEventListenerProvider(
            (realmId, userId, cause) -> notices.add(realmId + "/" + userId + "/" + cause));

    notifying.onEvent(EventLineTest.userEvent(EventType.LOGIN));
    notifying.onEvent(EventLineTest.userEvent(EventType.UPDATE_CREDENTIAL));
    notifying.onEvent(EventLineTest.userEvent(EventType.SEND_RESET_PASSWORD));
    Event failed = EventLineTest.userEvent(EventType.UPDATE_PASSWORD_ERROR);
    failed.setError("password_rejected");
    notifying.onEvent(failed);
    assertEquals(List.of(), notices);

    notifying.onEvent(EventLineTest.userEvent(EventType.UPDATE_PASSWORD));
    notifying.onEvent(EventLineTest.userEvent(EventType.RESET_PASSWORD)); // same change, same user
    assertEquals(List.of("realm-1/user-1/UPDATE_PASSWORD"), notices);

    AdminEvent reset = EventLineTest.adminEvent(ResourceType.USER, "users/u2/reset-password");
    reset.setOperationType(OperationType.ACTION);
    reset.setRealmId("realm-1");
    notifying.onEvent(reset, false);
    AdminEvent resetEmail =
        EventLineTest.adminEvent(ResourceType.USER, "users/u3/reset-password-email");
    resetEmail.setOperationType(OperationType.ACTION);
    notifying.onEvent(resetEmail, false);
    assertEquals(
        List.of("realm-1/user-1/UPDATE_PASSWORD", "realm-1/u2/admin reset-password"), notices);
  }

  @Test
  void aFailingNoticeNeverReachesThePasswordChange() {
    PortailEventListenerProvider failing =
        new PortailEventListenerProvider(
            (realmId, userId, cause) -> {
              throw new IllegalStateException("smtp down");
            });

    failing.onEvent(EventLineTest.userEvent(EventType.UPDATE_PASSWORD));

    assertEquals(1, lines.size(), lines.toString()); // the event line is still written
  }

  @Test
  void factoryIsRegisteredUnderItsPrefixedId() throws Exception {
    assertEquals("portail-events", new PortailEventListenerProviderFactory().getId());
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/META-INF/services/org.keycloak.events.EventListenerProviderFactory")) {
      String services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(services.contains(PortailEventListenerProviderFactory.class.getName()));
    }
  }
}
