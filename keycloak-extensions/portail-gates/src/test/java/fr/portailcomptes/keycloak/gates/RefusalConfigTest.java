package fr.portailcomptes.keycloak.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.keycloak.authentication.authenticators.access.DenyAccessAuthenticatorFactory;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.services.messages.Messages;

class RefusalConfigTest {

  private static AuthenticatorConfigModel model(Map<String, String> config) {
    AuthenticatorConfigModel model = new AuthenticatorConfigModel();
    model.setAlias("tp-dpae-refus");
    model.setConfig(config);
    return model;
  }

  @Test
  void readsTheSameKeyAsKeycloaksDenyAccessAuthenticator() {
    assertEquals(DenyAccessAuthenticatorFactory.ERROR_MESSAGE, RefusalConfig.MESSAGE);
    assertEquals(
        "portail.tp-denied.dpae",
        RefusalConfig.of(model(Map.of("denyErrorMessage", "portail.tp-denied.dpae"))).message());
  }

  @Test
  void fallsBackOnKeycloaksAccessDeniedMessage() {
    assertEquals(Messages.ACCESS_DENIED, RefusalConfig.DEFAULT_MESSAGE);
    assertEquals("access-denied", RefusalConfig.of(null).message());
    assertEquals("access-denied", RefusalConfig.of(model(null)).message());
    assertEquals("access-denied", RefusalConfig.of(model(new HashMap<>())).message());
    assertEquals(
        "access-denied", RefusalConfig.of(model(Map.of("denyErrorMessage", "  "))).message());
  }

  @Test
  void stripsSurroundingBlanks() {
    assertEquals(
        "portail.tp-denied.dsn",
        RefusalConfig.of(model(Map.of("denyErrorMessage", " portail.tp-denied.dsn\n"))).message());
  }
}
