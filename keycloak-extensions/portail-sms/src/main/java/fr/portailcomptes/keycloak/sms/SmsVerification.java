package fr.portailcomptes.keycloak.sms;

import fr.portailcomptes.keycloak.sms.CodeState.SendKind;
import fr.portailcomptes.keycloak.sms.SmsGateway.Purpose;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.common.util.Time;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeyManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The Keycloak side of one SMS verification, shared by the login step and the enrolment: keeps the
 * {@link CodeState} in an authentication session note, draws and sends codes through the gateway,
 * and fills the page's messages. The rules themselves live in {@link CodeState}.
 */
final class SmsVerification {

  /** User attribute holding the verified mobile number, E.164. */
  static final String PHONE_ATTRIBUTE = "portail.phone";

  /** Realm attribute: ISO country for numbers typed without a country code (default FR). */
  static final String DEFAULT_COUNTRY_ATTRIBUTE = "portail.defaultCountry";

  /** Template attribute carrying what our pages show (a map, see {@link #pageData}). */
  static final String PAGE_ATTRIBUTE = "portailSms";

  private static final Logger LOG = Logger.getLogger(SmsGateway.LOGGER);

  /** What happened to a send request. */
  record SendReport(CodeState state, SendKind kind, long waitSeconds, SmsGateway.Result result) {
    boolean sent() {
      return result != null && result.sent();
    }
  }

  private final KeycloakSession session;
  private final RealmModel realm;
  private final AuthenticationSessionModel authSession;
  private final UserModel user;
  private final ClientConnection connection;
  private final String noteKey;
  private final Purpose purpose;
  private final SmsSettings settings;
  private final SmsGateway gateway;

  SmsVerification(
      KeycloakSession session,
      RealmModel realm,
      AuthenticationSessionModel authSession,
      UserModel user,
      ClientConnection connection,
      Purpose purpose,
      SmsSettings settings,
      SmsGateway gateway) {
    this.session = session;
    this.realm = realm;
    this.authSession = authSession;
    this.user = user;
    this.connection = connection;
    this.purpose = purpose;
    this.noteKey = "portail.sms." + purpose.value;
    this.settings = settings;
    this.gateway = gateway;
  }

  SmsSettings settings() {
    return settings;
  }

  long now() {
    return Time.currentTimeMillis();
  }

  /** The realm's default country for typed numbers. */
  static String defaultCountry(RealmModel realm) {
    return PhoneNumbers.defaultCountry(realm.getAttribute(DEFAULT_COUNTRY_ATTRIBUTE));
  }

  /** The kept state, whatever its number; {@code null} when none (or another user's). */
  CodeState load() {
    CodeState state = CodeState.fromNote(authSession.getAuthNote(noteKey));
    if (state == null || !state.subject().equals(user.getId())) {
      return null;
    }
    return state;
  }

  /** The kept state for that number; {@code null} when none. */
  CodeState load(String phone) {
    CodeState state = load();
    return state != null && state.isFor(user.getId(), phone) ? state : null;
  }

  void save(CodeState state) {
    authSession.setAuthNote(noteKey, state.toNote());
  }

  void clear() {
    authSession.removeAuthNote(noteKey);
  }

  /** Handles a send request for {@code state}'s number: plans, draws or reuses, sends, keeps. */
  SendReport send(CodeState state) {
    long now = now();
    CodeState.SendPlan plan = state.planSend(now, settings);
    switch (plan.kind()) {
      case BLOCKED:
      case LIMIT_REACHED:
      case WAIT:
        return new SendReport(state, plan.kind(), plan.waitSeconds(), null);
      default:
        break;
    }
    CodeSealer sealer = sealer();
    CodeState next = state;
    String code = plan.kind() == SendKind.SAME_CODE ? sealer.open(state.sealed()) : null;
    SendKind kind = plan.kind();
    if (code == null) {
      code = Codes.generate(settings.codeLength());
      next = state.withNewCode(code, sealer.seal(code), now, settings);
      kind = SendKind.NEW_CODE;
    }
    long minutes = Math.max(1, (next.secondsLeft(now) + 59) / 60);
    SmsGateway.Result result =
        gateway.send(
            new SmsGateway.Message(
                realm.getName(),
                user.getId(),
                user.getUsername(),
                next.phone(),
                purpose,
                locale(),
                code,
                connection == null || connection.getRemoteAddr() == null
                    ? ""
                    : connection.getRemoteAddr(),
                (int) minutes));
    next = next.afterSend(result.sent(), now);
    save(next);
    return new SendReport(next, kind, 0, result);
  }

  /** The user's language for the SMS text (fr, de, it, en, ...). */
  private String locale() {
    try {
      Locale locale = session.getContext().resolveLocale(user);
      if (locale != null && !locale.getLanguage().isEmpty()) {
        return locale.getLanguage();
      }
    } catch (RuntimeException e) {
      LOG.debug("could not resolve the user's locale", e);
    }
    String realmDefault = realm.getDefaultLocale();
    return realmDefault == null || realmDefault.isEmpty() ? "fr" : realmDefault;
  }

  /**
   * Seals codes with the realm's active AES key (bound to this authentication session); without
   * such a key, codes are not kept and every resend draws a new code.
   */
  private CodeSealer sealer() {
    try {
      KeyManager keys = session.keys();
      KeyManager.ActiveAesKey active = keys.getActiveAesKey(realm);
      if (active == null || active.getSecretKey() == null) {
        return CodeSealer.NONE;
      }
      String context =
          authSession.getParentSession().getId() + "/" + authSession.getTabId() + "/" + noteKey;
      return new AesGcmSealer(
          active.getKid(),
          active.getSecretKey(),
          kid -> {
            try {
              return keys.getAesSecretKey(realm, kid);
            } catch (RuntimeException e) {
              return null;
            }
          },
          context);
    } catch (RuntimeException e) {
      LOG.warnf(
          "realm %s has no active AES key: SMS resends will send a new code", realm.getName());
      return CodeSealer.NONE;
    }
  }

  /** What our templates read under {@value #PAGE_ATTRIBUTE}. */
  Map<String, Object> pageData(CodeState state, boolean showCodeForm, boolean blocked) {
    Map<String, Object> data = new LinkedHashMap<>();
    String phone = state == null ? "" : state.phone();
    data.put("maskedPhone", PhoneNumbers.mask(phone));
    String current =
        PhoneNumbers.usable(user.getFirstAttribute(PHONE_ATTRIBUTE), defaultCountry(realm));
    data.put("currentPhone", current == null ? "" : PhoneNumbers.mask(current));
    data.put("codeLength", settings.codeLength());
    data.put("ttlMinutes", settings.ttlMinutes());
    // Minutes the current code stays valid (0 once expired: the page then says nothing about it).
    long secondsLeft = state == null ? 0 : state.secondsLeft(now());
    boolean hasCode = state != null && state.hasCode();
    data.put("minutesLeft", hasCode ? (secondsLeft + 59) / 60 : settings.ttlMinutes());
    data.put("cooldownSeconds", settings.resendCooldownSeconds());
    data.put("delivered", state != null && state.isDelivered());
    data.put("showCodeForm", showCodeForm);
    data.put("blocked", blocked);
    data.put("purpose", purpose.value);
    data.put("gatewayMessage", "");
    return data;
  }

  /**
   * Puts the outcome of a send on the page: a line confirming a resend, a wait, or a clear error. A
   * first send needs no line: the page itself says where the code went.
   */
  static void describeSend(
      LoginFormsProvider form, SendReport report, Map<String, Object> data, boolean resend) {
    String masked = PhoneNumbers.mask(report.state().phone());
    switch (report.kind()) {
      case BLOCKED:
        form.setError("portailSmsTooManyAttempts");
        return;
      case LIMIT_REACHED:
        form.setError("portailSmsTooManySends");
        return;
      case WAIT:
        form.setInfo("portailSmsCooldown", report.waitSeconds());
        return;
      default:
        break;
    }
    SmsGateway.Result result = report.result();
    switch (result.outcome()) {
      case SENT:
        if (resend) {
          form.setSuccess("portailSmsCodeResent", masked);
        }
        return;
      case RATE_LIMITED:
        form.setError("portailSmsRateLimited");
        data.put("gatewayMessage", result.message() == null ? "" : result.message());
        return;
      case REFUSED:
        form.setError("portailSmsRefused");
        data.put("gatewayMessage", result.message() == null ? "" : result.message());
        return;
      default:
        form.setError("portailSmsSendFailed");
    }
  }

  /** A message on the code field (shown under it, id {@code input-error}). */
  static void fieldError(LoginFormsProvider form, String field, String key, Object... args) {
    form.addError(new FormMessage(field, key, args));
  }
}
