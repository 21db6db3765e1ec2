package fr.portailcomptes.keycloak.gates;

import static fr.portailcomptes.keycloak.gates.Stubs.stub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;

/** What the authenticator asks of the flow: a forced challenge, never a failure. */
class RefuseAccessAuthenticatorTest {

  /** An event builder that records instead of sending (the real one needs a running server). */
  static final class RecordingEvents extends EventBuilder {
    final Map<String, String> details = new LinkedHashMap<>();
    final List<String> errors = new ArrayList<>();
    final List<UserModel> users = new ArrayList<>();

    RecordingEvents() {
      super(stub(RealmModel.class), session());
      event(EventType.LOGIN);
    }

    private static KeycloakSession session() {
      KeycloakSessionFactory factory = stub(KeycloakSessionFactory.class);
      return stub(
          KeycloakSession.class,
          Map.of("getKeycloakSessionFactory", args -> factory),
          new ArrayList<>());
    }

    @Override
    public EventBuilder detail(String key, String value) {
      details.put(key, value);
      return this;
    }

    @Override
    public EventBuilder user(UserModel user) {
      users.add(user);
      return this;
    }

    @Override
    public void error(String error) {
      errors.add(error);
    }
  }

  /** One authentication context, with what the authenticator did to it. */
  static final class Flow {
    final List<String> calls = new ArrayList<>();
    final List<String> formCalls = new ArrayList<>();
    final List<Object> challenges = new ArrayList<>();
    final List<Object> errorArgs = new ArrayList<>();
    final RecordingEvents events = new RecordingEvents();
    Response.Status pageStatus;
    Response page;
    final AuthenticationFlowContext context;

    Flow(Map<String, String> config) {
      this(config, null);
    }

    Flow(Map<String, String> config, UserModel user) {
      Map<String, Function<Object[], Object>> form = new HashMap<>();
      LoginFormsProvider[] self = new LoginFormsProvider[1];
      form.put(
          "setError",
          args -> {
            errorArgs.add(args[0]);
            errorArgs.addAll(Arrays.asList((Object[]) args[1]));
            return self[0];
          });
      form.put(
          "createErrorPage",
          args -> {
            pageStatus = (Response.Status) args[0];
            page = new PageResponse(pageStatus);
            return page;
          });
      self[0] = stub(LoginFormsProvider.class, form, formCalls);

      AuthenticatorConfigModel model = null;
      if (config != null) {
        model = new AuthenticatorConfigModel();
        model.setAlias("tp-dpae-refus");
        model.setConfig(config);
      }
      AuthenticatorConfigModel configModel = model;
      Map<String, Function<Object[], Object>> answers = new HashMap<>();
      answers.put("getAuthenticatorConfig", args -> configModel);
      answers.put("getEvent", args -> events);
      answers.put("getUser", args -> user);
      answers.put("form", args -> self[0]);
      answers.put(
          "forceChallenge",
          args -> {
            challenges.add(args[0]);
            return null;
          });
      context = stub(AuthenticationFlowContext.class, answers, calls);
    }
  }

  private static final Set<String> FAILURES =
      Set.of("failure", "failureChallenge", "success", "attempted", "challenge", "fork");

  private final RefuseAccessAuthenticator authenticator =
      (RefuseAccessAuthenticator) new RefuseAccessAuthenticatorFactory().create(null);

  private static void assertRefused(Flow flow, String message) {
    assertEquals(Response.Status.FORBIDDEN, flow.pageStatus);
    assertEquals(List.of(flow.page), flow.challenges, "one forced challenge: the error page");
    assertEquals(403, flow.page.getStatus());
    assertEquals(List.of(message), flow.errorArgs);
    assertTrue(
        flow.calls.stream().noneMatch(FAILURES::contains),
        "no failure, success or plain challenge: " + flow.calls);
    assertEquals(List.of("access_denied"), flow.events.errors);
    assertEquals(message, flow.events.details.get(Details.REASON));
  }

  @Test
  void refusesWithTheConfiguredMessageAsAForcedChallengeNeverAFailure() {
    Flow flow = new Flow(Map.of("denyErrorMessage", "portail.tp-denied.dpae"));
    authenticator.authenticate(flow.context);
    assertRefused(flow, "portail.tp-denied.dpae");
  }

  @Test
  void theAuditEventNamesTheUserWhenKnown() {
    UserModel user = stub(UserModel.class);
    Flow flow = new Flow(Map.of("denyErrorMessage", "portail.tp-denied.dpae"), user);
    authenticator.authenticate(flow.context);
    assertRefused(flow, "portail.tp-denied.dpae");
    assertEquals(List.of(user), flow.events.users);
  }

  @Test
  void withoutConfigShowsKeycloaksAccessDenied() {
    Flow flow = new Flow(null);
    authenticator.authenticate(flow.context);
    assertRefused(flow, "access-denied");
    assertEquals(List.of(), flow.events.users);
  }

  @Test
  void aFormPostedBackToTheRefusalIsRefusedAgain() {
    Flow flow = new Flow(Map.of("denyErrorMessage", "portail.tp-denied.dpae"));
    authenticator.action(flow.context);
    assertRefused(flow, "portail.tp-denied.dpae");
  }

  @Test
  void needsNoUser() {
    assertFalse(authenticator.requiresUser());
  }

  @Test
  void factoryDescribesAConfigurableRequiredStep() {
    AuthenticatorFactory factory = new RefuseAccessAuthenticatorFactory();
    assertEquals("portail-deny-teleprocedure", factory.getId());
    assertEquals("Portail - refuse access (no brute-force count)", factory.getDisplayType());
    assertTrue(factory.isConfigurable());
    assertFalse(factory.isUserSetupAllowed());
    assertNull(factory.getReferenceCategory());
    assertEquals(
        List.of(Requirement.REQUIRED, Requirement.DISABLED),
        List.of(factory.getRequirementChoices()));
    List<ProviderConfigProperty> properties = factory.getConfigProperties();
    assertEquals(1, properties.size());
    assertEquals("denyErrorMessage", properties.get(0).getName());
    assertEquals(ProviderConfigProperty.STRING_TYPE, properties.get(0).getType());
    assertSame(factory.create(null), factory.create(null));
  }

  @Test
  void factoryIsRegisteredUnderItsPrefixedId() throws Exception {
    try (InputStream in =
        getClass()
            .getResourceAsStream(
                "/META-INF/services/org.keycloak.authentication.AuthenticatorFactory")) {
      String services = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(services.contains(RefuseAccessAuthenticatorFactory.class.getName()));
    }
    assertTrue(RefuseAccessAuthenticatorFactory.PROVIDER_ID.startsWith("portail-"));
  }
}
