package fr.portailcomptes.keycloak.sms;

import fr.portailcomptes.keycloak.sms.CodeState.Check;
import fr.portailcomptes.keycloak.sms.SmsVerification.SendReport;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * Second factor by SMS, after the password: sends a code to the user's verified number ({@value
 * SmsVerification#PHONE_ATTRIBUTE}) and asks for it on {@value #TEMPLATE}.
 *
 * <ul>
 *   <li>The first visit of a login attempt sends a code; a refresh or a come-back never does.
 *   <li>"Renvoyer" sends the same code while it is valid (a new one once expired), never within the
 *       cooldown, and at most {@code maxSends} times per login attempt.
 *   <li>A wrong code is a failed login for brute-force protection; the last allowed wrong code
 *       blocks this login attempt (the user starts again from the login page).
 *   <li>A user without a number: enrols one first when the config says MFA is mandatory (the
 *       {@value PhoneEnrolmentRequiredActionFactory#PROVIDER_ID} required action), else the step is
 *       skipped.
 * </ul>
 */
public final class SmsAuthenticator implements Authenticator {

  static final String TEMPLATE = "portail-sms-code.ftl";
  static final String FIELD_CODE = "code";
  static final String PARAM_RESEND = "resend";

  private static final Logger LOG = Logger.getLogger(SmsGateway.LOGGER);

  private final SmsGateway gateway;

  SmsAuthenticator(SmsGateway gateway) {
    this.gateway = gateway;
  }

  static SmsSettings settings(AuthenticationFlowContext context) {
    AuthenticatorConfigModel config = context.getAuthenticatorConfig();
    return SmsSettings.of(config == null ? null : config.getConfig());
  }

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    UserModel user = context.getUser();
    SmsSettings settings = settings(context);
    String phone = phoneOf(context.getRealm(), user);
    if (phone == null) {
      String stored = user.getFirstAttribute(SmsVerification.PHONE_ATTRIBUTE);
      if (stored != null && !stored.isBlank()) {
        // A number is on record but cannot be used: never a reason to skip the second factor, nor
        // to let a password alone enrol another number. Refused; an administrator corrects or
        // clears
        // it (the user then enrols again, verified by SMS).
        LOG.warnf(
            "realm %s: user %s has a stored number that cannot be used; login refused",
            context.getRealm().getName(), user.getId());
        context
            .getEvent()
            .clone()
            .user(user)
            .detail(Details.REASON, "sms_number_unusable")
            .error(Errors.ACCESS_DENIED);
        context.failure(
            AuthenticationFlowError.ACCESS_DENIED,
            context
                .form()
                .setError("portailSmsUnusableNumber")
                .createErrorPage(Response.Status.FORBIDDEN));
        return;
      }
      noNumber(context, settings);
      return;
    }
    SmsVerification verification = verification(context, settings);
    CodeState state = verification.load(phone);
    if (state == null) {
      // First visit in this login attempt: the one automatic send.
      SendReport report = verification.send(CodeState.start(user.getId(), phone));
      context.challenge(sendPage(context, verification, report, false));
      return;
    }
    // A refresh or a come-back: show where we are, never send again.
    context.challenge(currentPage(context, verification, state));
  }

  @Override
  public void action(AuthenticationFlowContext context) {
    UserModel user = context.getUser();
    SmsSettings settings = settings(context);
    String phone = phoneOf(context.getRealm(), user);
    SmsVerification verification = verification(context, settings);
    CodeState state = phone == null ? null : verification.load(phone);
    if (state == null) {
      // The number changed or the state is gone: start this step again.
      authenticate(context);
      return;
    }
    if (state.isBlocked()) {
      context.challenge(blockedPage(context, verification, state, "portailSmsTooManyAttempts"));
      return;
    }
    if (isLockedOut(context, user)) {
      verification.save(state.blocked());
      context.getEvent().clone().user(user).error(Errors.USER_TEMPORARILY_DISABLED);
      context.forceChallenge(blockedPage(context, verification, state, "portailSmsLockedOut"));
      return;
    }
    MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
    if (form.containsKey(PARAM_RESEND)) {
      SendReport report = verification.send(state);
      context.challenge(sendPage(context, verification, report, true));
      return;
    }
    Check check = state.check(form.getFirst(FIELD_CODE), verification.now(), settings);
    switch (check.result()) {
      case OK:
        verification.clear();
        context.success();
        return;
      case MISSING:
        context.challenge(codePage(context, verification, state, "portailSmsMissingCode"));
        return;
      case NO_CODE:
        context.challenge(currentPage(context, verification, state));
        return;
      case EXPIRED:
        context
            .getEvent()
            .clone()
            .user(user)
            .detail(Details.REASON, "sms_code_expired")
            .error(Errors.EXPIRED_CODE);
        context.challenge(codePage(context, verification, state, "portailSmsExpiredCode"));
        return;
      case WRONG:
        verification.save(check.next());
        context
            .getEvent()
            .clone()
            .user(user)
            .detail(Details.REASON, "sms_code_wrong")
            .error(Errors.INVALID_USER_CREDENTIALS);
        context.failureChallenge(
            AuthenticationFlowError.INVALID_CREDENTIALS,
            codePage(
                context, verification, check.next(), "portailSmsWrongCode", check.attemptsLeft()));
        return;
      case TOO_MANY:
        verification.save(check.next());
        context
            .getEvent()
            .clone()
            .user(user)
            .detail(Details.REASON, "sms_too_many_attempts")
            .error(Errors.INVALID_USER_CREDENTIALS);
        context.failure(
            AuthenticationFlowError.INVALID_CREDENTIALS,
            blockedPage(context, verification, check.next(), "portailSmsTooManyAttempts"));
        return;
      case BLOCKED:
      default:
        context.challenge(blockedPage(context, verification, state, "portailSmsTooManyAttempts"));
    }
  }

  /** No usable number: enrol one first (mandatory) or skip this step. */
  private void noNumber(AuthenticationFlowContext context, SmsSettings settings) {
    String policy = context.getUser().getFirstAttribute(SmsSettings.USER_POLICY_ATTRIBUTE);
    if (!settings.mandatoryFor(policy)) {
      // Skip. A REQUIRED execution must succeed for its flow to succeed (ATTEMPTED would fail
      // the login), so it passes; as an ALTERNATIVE it only reports that it was tried.
      if (context.getExecution() != null && context.getExecution().isRequired()) {
        context.success();
      } else {
        context.attempted();
      }
      return;
    }
    requireEnrolment(context);
  }

  /** The login completes only once a number is enrolled and verified by SMS (or is refused). */
  private void requireEnrolment(AuthenticationFlowContext context) {
    RealmModel realm = context.getRealm();
    RequiredActionProviderModel action =
        realm.getRequiredActionProviderByAlias(PhoneEnrolmentRequiredActionFactory.PROVIDER_ID);
    if (action == null || !action.isEnabled()) {
      // Letting the user through would skip a mandatory second factor: refuse instead.
      LOG.errorf(
          "realm %s: SMS MFA is mandatory but the required action %s is not enabled; login refused",
          realm.getName(), PhoneEnrolmentRequiredActionFactory.PROVIDER_ID);
      context.failure(
          AuthenticationFlowError.INTERNAL_ERROR,
          context
              .form()
              .setError("portailSmsNotConfigured")
              .createErrorPage(Response.Status.INTERNAL_SERVER_ERROR));
      return;
    }
    // The login only completes once the number is enrolled and verified by SMS.
    context
        .getAuthenticationSession()
        .addRequiredAction(PhoneEnrolmentRequiredActionFactory.PROVIDER_ID);
    context.success();
  }

  private static String phoneOf(RealmModel realm, UserModel user) {
    return PhoneNumbers.usable(
        user.getFirstAttribute(SmsVerification.PHONE_ATTRIBUTE),
        SmsVerification.defaultCountry(realm));
  }

  private SmsVerification verification(AuthenticationFlowContext context, SmsSettings settings) {
    return new SmsVerification(
        context.getSession(),
        context.getRealm(),
        context.getAuthenticationSession(),
        context.getUser(),
        context.getConnection(),
        SmsGateway.Purpose.LOGIN,
        settings,
        gateway);
  }

  private static boolean isLockedOut(AuthenticationFlowContext context, UserModel user) {
    RealmModel realm = context.getRealm();
    if (!realm.isBruteForceProtected()) {
      return false;
    }
    BruteForceProtector protector = context.getProtector();
    KeycloakSession session = context.getSession();
    return protector.isTemporarilyDisabled(session, realm, user)
        || protector.isPermanentlyLockedOut(session, realm, user);
  }

  /** The page after a send request. */
  private static Response sendPage(
      AuthenticationFlowContext context,
      SmsVerification verification,
      SendReport report,
      boolean resend) {
    CodeState state = report.state();
    if (report.kind() == CodeState.SendKind.BLOCKED) {
      return blockedPage(context, verification, state, "portailSmsTooManyAttempts");
    }
    LoginFormsProvider form = context.form();
    Map<String, Object> data = verification.pageData(state, showCodeForm(state), false);
    SmsVerification.describeSend(form, report, data, resend);
    return form.setAttribute(SmsVerification.PAGE_ATTRIBUTE, data).createForm(TEMPLATE);
  }

  /** The page as it stands (refresh, come-back): no send, no new message unless expired. */
  private static Response currentPage(
      AuthenticationFlowContext context, SmsVerification verification, CodeState state) {
    if (state.isBlocked()) {
      return blockedPage(context, verification, state, "portailSmsTooManyAttempts");
    }
    if (state.isExpired(verification.now())) {
      return codePage(context, verification, state, "portailSmsExpiredCode");
    }
    LoginFormsProvider form = context.form();
    if (!state.isDelivered()) {
      form.setError("portailSmsSendFailed");
    }
    Map<String, Object> data = verification.pageData(state, showCodeForm(state), false);
    return form.setAttribute(SmsVerification.PAGE_ATTRIBUTE, data).createForm(TEMPLATE);
  }

  /** The code form with a message on the code field. */
  private static Response codePage(
      AuthenticationFlowContext context,
      SmsVerification verification,
      CodeState state,
      String fieldMessage,
      Object... args) {
    LoginFormsProvider form = context.form();
    SmsVerification.fieldError(form, FIELD_CODE, fieldMessage, args);
    Map<String, Object> data = verification.pageData(state, true, false);
    return form.setAttribute(SmsVerification.PAGE_ATTRIBUTE, data).createForm(TEMPLATE);
  }

  /** This login attempt is over: say why and offer to start again. */
  private static Response blockedPage(
      AuthenticationFlowContext context,
      SmsVerification verification,
      CodeState state,
      String message) {
    Map<String, Object> data = verification.pageData(state, false, true);
    return context
        .form()
        .setError(message)
        .setAttribute(SmsVerification.PAGE_ATTRIBUTE, data)
        .createForm(TEMPLATE);
  }

  /** The code field is offered once a code exists that the gateway accepted to send. */
  private static boolean showCodeForm(CodeState state) {
    return state.hasCode() && state.isDelivered();
  }

  @Override
  public boolean requiresUser() {
    return true;
  }

  /**
   * Always true: whether a user without a number enrols or skips depends on this execution's config
   * ({@code mandatory}), which only {@link #authenticate} sees.
   */
  @Override
  public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
    return true;
  }

  @Override
  public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

  @Override
  public void close() {}
}
