package fr.portailcomptes.keycloak.sms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The client of the provisioner's SMS gateway: one HTTP endpoint that words the SMS, applies the
 * abuse limits and sends through the configured provider.
 *
 * <pre>
 * POST {url}
 * Authorization: Bearer {secret}
 * Content-Type: application/json
 * {"realm": ..., "userId": ..., "username": ..., "to": "+41791112233",
 *  "purpose": "login" | "enrolment", "locale": "fr", "code": "123456",
 *  "ip": "203.0.113.9", "ttlMinutes": 5}
 * </pre>
 *
 * <p>202 means sent; 429 with {@code {"error": {"code": "sms_rate_limited", "message": ...}}} means
 * rate-limited; 422 with an error message means refused for this number (e.g. a country the portal
 * does not serve); anything else, a network error or no answer within the timeout means a delivery
 * failure. The code and the secret are never logged; the number only masked.
 */
public final class SmsGateway {

  public static final String LOGGER = "fr.portailcomptes.keycloak.sms";
  public static final String ENV_URL = "PORTAIL_SMS_GATEWAY_URL";
  public static final String ENV_SECRET = "PORTAIL_SMS_GATEWAY_SECRET";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(LOGGER);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE_LENGTH = 300;

  /** Where and how to reach the gateway. */
  public record Config(URI url, String secret, Duration timeout) {

    /** {@code null} url or secret: the gateway is not configured and every send fails. */
    public boolean configured() {
      return url != null && secret != null && !secret.isEmpty();
    }

    /** From {@value #ENV_URL} and {@value #ENV_SECRET}; an unusable URL counts as none. */
    public static Config fromEnvironment(Map<String, String> env) {
      String rawUrl = env.get(ENV_URL);
      URI url = null;
      if (rawUrl != null && !rawUrl.isBlank()) {
        try {
          URI parsed = URI.create(rawUrl.trim());
          if ("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) {
            url = parsed;
          }
        } catch (IllegalArgumentException e) {
          url = null;
        }
      }
      String secret = env.get(ENV_SECRET);
      return new Config(url, secret == null ? null : secret.trim(), DEFAULT_TIMEOUT);
    }
  }

  /** What to send; {@code ip} may be empty. */
  public record Message(
      String realm,
      String userId,
      String username,
      String to,
      Purpose purpose,
      String locale,
      String code,
      String ip,
      int ttlMinutes) {

    /** Never prints the code. */
    @Override
    public String toString() {
      return "Message[to=" + PhoneNumbers.mask(to) + ", purpose=" + purpose.value + "]";
    }
  }

  /** Why a code is sent; the gateway words the SMS and counts limits per purpose. */
  public enum Purpose {
    LOGIN("login"),
    ENROLMENT("enrolment");

    public final String value;

    Purpose(String value) {
      this.value = value;
    }
  }

  /** How a send ended. */
  public enum Outcome {
    SENT,
    RATE_LIMITED,
    REFUSED,
    FAILED
  }

  /**
   * A send's outcome; {@code message} is the gateway's own words for RATE_LIMITED and REFUSED (may
   * be {@code null}); {@code status} is the HTTP status, 0 when there was no answer.
   */
  public record Result(Outcome outcome, int status, String message) {
    public boolean sent() {
      return outcome == Outcome.SENT;
    }
  }

  private static volatile SmsGateway fromEnvironment;

  private final Config config;
  private final HttpClient http;

  public SmsGateway(Config config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The gateway configured by the environment variables, read once per JVM. */
  public static SmsGateway fromEnvironment() {
    SmsGateway gateway = fromEnvironment;
    if (gateway == null) {
      synchronized (SmsGateway.class) {
        gateway = fromEnvironment;
        if (gateway == null) {
          gateway = new SmsGateway(Config.fromEnvironment(System.getenv()));
          if (!gateway.config.configured()) {
            LOG.errorf(
                "SMS gateway not configured: set %s and %s; every SMS will fail",
                ENV_URL, ENV_SECRET);
          }
          fromEnvironment = gateway;
        }
      }
    }
    return gateway;
  }

  public Config config() {
    return config;
  }

  /** Sends one code; never throws. */
  public Result send(Message message) {
    Result result = doSend(message);
    String line =
        String.format(
            "SMS %s code to %s (realm %s, user %s): %s%s",
            message.purpose().value,
            PhoneNumbers.mask(message.to()),
            message.realm(),
            message.userId(),
            result.outcome().name().toLowerCase(java.util.Locale.ROOT),
            result.status() > 0 ? " (HTTP " + result.status() + ")" : "");
    if (result.sent()) {
      LOG.info(line);
    } else {
      LOG.warn(line);
    }
    return result;
  }

  private Result doSend(Message message) {
    if (!config.configured()) {
      return new Result(Outcome.FAILED, 0, null);
    }
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(config.url())
              .timeout(config.timeout())
              .header("Authorization", "Bearer " + config.secret())
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body(message), StandardCharsets.UTF_8))
              .build();
    } catch (IllegalArgumentException | IOException e) {
      return new Result(Outcome.FAILED, 0, null);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // Timeouts (HttpTimeoutException) land here too.
      return new Result(Outcome.FAILED, 0, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(Outcome.FAILED, 0, null);
    }
    int status = response.statusCode();
    if (status == 202) {
      return new Result(Outcome.SENT, status, null);
    }
    if (status == 429) {
      return new Result(Outcome.RATE_LIMITED, status, errorMessage(response.body()));
    }
    if (status == 422) {
      String text = errorMessage(response.body());
      if (text != null) {
        return new Result(Outcome.REFUSED, status, text);
      }
    }
    return new Result(Outcome.FAILED, status, null);
  }

  static String body(Message message) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("realm", message.realm());
    body.put("userId", message.userId());
    body.put("username", message.username());
    body.put("to", message.to());
    body.put("purpose", message.purpose().value);
    body.put("locale", message.locale());
    body.put("code", message.code());
    if (message.ip() != null && !message.ip().isEmpty()) {
      body.put("ip", message.ip());
    }
    body.put("ttlMinutes", message.ttlMinutes());
    return JSON.writeValueAsString(body);
  }

  /** {@code error.message} of a JSON error body, cleaned for display; {@code null} if none. */
  static String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body).path("error").path("message");
      if (!node.isTextual()) {
        return null;
      }
      String text = node.asText().replaceAll("[\\p{Cntrl}]", " ").trim();
      if (text.isEmpty()) {
        return null;
      }
      return text.length() > MAX_MESSAGE_LENGTH ? text.substring(0, MAX_MESSAGE_LENGTH) : text;
    } catch (IOException e) {
      return null;
    }
  }
}
