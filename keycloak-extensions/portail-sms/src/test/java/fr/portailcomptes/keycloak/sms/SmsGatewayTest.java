package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import fr.portailcomptes.keycloak.sms.SmsGateway.Outcome;
import fr.portailcomptes.keycloak.sms.SmsGateway.Purpose;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway contract, against a real local HTTP server. */
class SmsGatewayTest {

  private static final String SECRET = "s3cret-token";
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 202;
  private volatile String answer = "{\"status\":\"sent\"}";
  private volatile long delayMillis = 0;

  private final List<String> logLines = new CopyOnWriteArrayList<>();
  private final Logger jul = Logger.getLogger(SmsGateway.LOGGER);
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logLines.add(String.valueOf(record.getMessage()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/internal/sms",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          if (delayMillis > 0) {
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          try {
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
              os.write(out);
            }
          } catch (IOException e) {
            // the client gave up (timeout test)
          }
        });
    server.start();
    jul.addHandler(capture);
    jul.setUseParentHandlers(false);
  }

  @AfterEach
  void stop() {
    jul.removeHandler(capture);
    jul.setUseParentHandlers(true);
    server.stop(0);
  }

  private SmsGateway gateway(Duration timeout) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/internal/sms");
    return new SmsGateway(new SmsGateway.Config(url, SECRET, timeout));
  }

  private static SmsGateway.Message message() {
    return new SmsGateway.Message(
        "portail-demo",
        "0b6c-user",
        "gilbert",
        "+41791112233",
        Purpose.LOGIN,
        "fr",
        "482913",
        "203.0.113.9",
        5);
  }

  @Test
  void postsTheContractAndReads202AsSent() throws IOException {
    SmsGateway.Result result = gateway(Duration.ofSeconds(5)).send(message());
    assertEquals(Outcome.SENT, result.outcome());
    assertTrue(result.sent());
    assertEquals("Bearer " + SECRET, authorizations.get(0));
    JsonNode body = JSON.readTree(bodies.get(0));
    assertEquals("portail-demo", body.get("realm").asText());
    assertEquals("0b6c-user", body.get("userId").asText());
    assertEquals("gilbert", body.get("username").asText());
    assertEquals("+41791112233", body.get("to").asText());
    assertEquals("login", body.get("purpose").asText());
    assertEquals("fr", body.get("locale").asText());
    assertEquals("482913", body.get("code").asText());
    assertEquals("203.0.113.9", body.get("ip").asText());
    assertEquals(5, body.get("ttlMinutes").asInt());
  }

  @Test
  void enrolmentPurposeAndNoIp() throws IOException {
    SmsGateway.Message m =
        new SmsGateway.Message(
            "r", "u", "n", "+33612345678", Purpose.ENROLMENT, "de", "123456", "", 2);
    gateway(Duration.ofSeconds(5)).send(m);
    JsonNode body = JSON.readTree(bodies.get(0));
    assertEquals("enrolment", body.get("purpose").asText());
    assertFalse(body.has("ip"));
  }

  @Test
  void a429IsRateLimitedWithTheGatewaysMessage() {
    status = 429;
    answer =
        "{\"error\": {\"code\": \"sms_rate_limited\", \"message\": \"Trop de codes envoyés.\","
            + " \"details\": {\"scope\": \"user\"}}}";
    SmsGateway.Result result = gateway(Duration.ofSeconds(5)).send(message());
    assertEquals(Outcome.RATE_LIMITED, result.outcome());
    assertEquals("Trop de codes envoyés.", result.message());
    assertEquals(429, result.status());
  }

  @Test
  void a429WithoutBodyIsStillRateLimited() {
    status = 429;
    answer = "";
    SmsGateway.Result result = gateway(Duration.ofSeconds(5)).send(message());
    assertEquals(Outcome.RATE_LIMITED, result.outcome());
    assertNull(result.message());
  }

  @Test
  void a422WithAMessageIsRefused() {
    status = 422;
    answer = "{\"error\": {\"code\": \"sms_country_not_allowed\", \"message\": \"Pays refusé.\"}}";
    SmsGateway.Result result = gateway(Duration.ofSeconds(5)).send(message());
    assertEquals(Outcome.REFUSED, result.outcome());
    assertEquals("Pays refusé.", result.message());
  }

  @Test
  void anythingElseIsADeliveryFailure() {
    for (int code : new int[] {200, 400, 401, 500, 502}) {
      status = code;
      answer = "{\"error\": {\"message\": \"boom\"}}";
      SmsGateway.Result result = gateway(Duration.ofSeconds(5)).send(message());
      assertEquals(Outcome.FAILED, result.outcome(), "HTTP " + code);
    }
  }

  @Test
  void noAnswerInTimeIsADeliveryFailure() {
    delayMillis = 1500;
    long start = System.nanoTime();
    SmsGateway.Result result = gateway(Duration.ofMillis(300)).send(message());
    assertEquals(Outcome.FAILED, result.outcome());
    assertEquals(0, result.status());
    assertTrue(System.nanoTime() - start < 1_400_000_000L, "did not time out");
  }

  @Test
  void nobodyListeningIsADeliveryFailure() {
    int port = server.getAddress().getPort();
    server.stop(0);
    SmsGateway gateway =
        new SmsGateway(
            new SmsGateway.Config(
                URI.create("http://127.0.0.1:" + port + "/internal/sms"),
                SECRET,
                Duration.ofSeconds(1)));
    assertEquals(Outcome.FAILED, gateway.send(message()).outcome());
  }

  @Test
  void unconfiguredIsADeliveryFailure() {
    SmsGateway gateway = new SmsGateway(SmsGateway.Config.fromEnvironment(Map.of()));
    assertFalse(gateway.config().configured());
    assertEquals(Outcome.FAILED, gateway.send(message()).outcome());
    assertTrue(bodies.isEmpty());
  }

  @Test
  void readsItsConfigFromTheEnvironment() {
    SmsGateway.Config config =
        SmsGateway.Config.fromEnvironment(
            Map.of(
                "PORTAIL_SMS_GATEWAY_URL", " http://provisioner:5000/internal/sms ",
                "PORTAIL_SMS_GATEWAY_SECRET", "abc"));
    assertTrue(config.configured());
    assertEquals("http://provisioner:5000/internal/sms", config.url().toString());
    assertEquals(Duration.ofSeconds(5), config.timeout());
    assertFalse(
        SmsGateway.Config.fromEnvironment(
                Map.of("PORTAIL_SMS_GATEWAY_URL", "ftp://x", "PORTAIL_SMS_GATEWAY_SECRET", "abc"))
            .configured());
    assertFalse(
        SmsGateway.Config.fromEnvironment(Map.of("PORTAIL_SMS_GATEWAY_URL", "http://x"))
            .configured());
  }

  @Test
  void logsTheMaskedNumberAndOutcomeNeverTheCodeOrSecret() {
    gateway(Duration.ofSeconds(5)).send(message());
    status = 500;
    gateway(Duration.ofSeconds(5)).send(message());
    assertEquals(2, logLines.size(), logLines.toString());
    assertTrue(logLines.get(0).contains("+41 79 *** ** 33"), logLines.get(0));
    assertTrue(logLines.get(0).contains("sent"), logLines.get(0));
    assertTrue(logLines.get(1).contains("failed"), logLines.get(1));
    for (String line : logLines) {
      assertFalse(line.contains("482913"), line);
      assertFalse(line.contains(SECRET), line);
      assertFalse(line.contains("+41791112233"), line);
    }
    assertFalse(message().toString().contains("482913"));
  }

  @Test
  void errorMessagesAreCleaned() {
    assertEquals("a b", SmsGateway.errorMessage("{\"error\":{\"message\":\"a\\nb\"}}"));
    assertNull(SmsGateway.errorMessage("not json"));
    assertNull(SmsGateway.errorMessage("{\"error\":\"flat\"}"));
    assertEquals(
        300,
        SmsGateway.errorMessage("{\"error\":{\"message\":\"" + "x".repeat(500) + "\"}}").length());
  }
}
