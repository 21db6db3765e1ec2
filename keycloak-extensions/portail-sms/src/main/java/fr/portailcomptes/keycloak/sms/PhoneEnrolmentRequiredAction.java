package fr.portailcomptes.keycloak.sms;

import fr.portailcomptes.keycloak.sms.CodeState.Check;
import fr.portailcomptes.keycloak.sms.SmsVerification.SendReport;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RequiredActionConfigModel;
import org.keycloak.models.UserModel;

/**
 * Enrols (or replaces) the user's mobile number on {@value #TEMPLATE}: the user types a number, we
 * send a code to it, the user types the code; only then is the number stored in {@value
 * SmsVerification#PHONE_ATTRIBUTE}. Same code rules as the login step (lifetime, attempts, resend
 * cooldown, sends per attempt).
 *
 * <p>Runs at first login (added by {@link SmsAuthenticator} when MFA is mandatory, or by an admin)
 * and on request from an application or the account console ({@code kc_action=}{@value
 * PhoneEnrolmentRequiredActionFactory#PROVIDER_ID}) to change the number.
 */
public final class PhoneEnrolmentRequiredAction implements RequiredActionProvider {

  static final String TEMPLATE = "portail-phone-enrolment.ftl";
  static final String FIELD_PHONE = "phone";
  static final String FIELD_CODE = "code";
  static final String PARAM_RESEND = "resend";
  static final String PARAM_CHANGE = "changePhone";

  private final SmsGateway gateway;

  PhoneEnrolmentRequiredAction(SmsGateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public InitiatedActionSupport initiatedActionSupport() {
    return InitiatedActionSupport.SUPPORTED;
  }

  @Override
  public void evaluateTriggers(RequiredActionContext context) {}

  @Override
  public void requiredActionChallenge(RequiredActionContext context) {
    SmsVerification verification = verification(context);
    CodeState state = verification.load();
    if (state == null || !state.hasCode()) {
      context.challenge(phonePage(context, verification, state, ""));
      return;
    }
    // A refresh or a come-back: show where we are, never send again.
    context.challenge(currentCodePage(context, verification, state));
  }

  @Override
  public void processAction(RequiredActionContext context) {
    SmsVerification verification = verification(context);
    CodeState state = verification.load();
    MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
    if (state != null && state.isBlocked()) {
      context.challenge(blockedPage(context, verification, state, "portailSmsTooManyAttempts"));
      return;
    }
    if (form.containsKey(PARAM_CHANGE)) {
      context.challenge(phonePage(context, verification, state, ""));
      return;
    }
    if (form.containsKey(PARAM_RESEND) && state != null && state.hasCode()) {
      SendReport report = verification.send(state);
      context.challenge(afterSendPage(context, verification, report, state.phone(), true));
      return;
    }
    if (form.containsKey(FIELD_PHONE)) {
      submitPhone(context, verification, state, form.getFirst(FIELD_PHONE));
      return;
    }
    if (state == null || !state.hasCode()) {
      context.challenge(phonePage(context, verification, state, ""));
      return;
    }
    submitCode(context, verification, state, form.getFirst(FIELD_CODE));
  }

  private void submitPhone(
      RequiredActionContext context, SmsVerification verification, CodeState state, String typed) {
    PhoneNumbers.Parsed parsed =
        PhoneNumbers.normalizeMobile(typed, SmsVerification.defaultCountry(context.getRealm()));
    if (!parsed.ok()) {
      LoginFormsProvider form = context.form();
      SmsVerification.fieldError(form, FIELD_PHONE, phoneProblemMessage(parsed.problem()));
      context.challenge(render(form, verification, state, "phone", typed));
      return;
    }
    String phone = parsed.e164();
    String userId = context.getUser().getId();
    CodeState base;
    if (state == null) {
      base = CodeState.start(userId, phone);
    } else if (state.isFor(userId, phone)) {
      base = state; // same number again: a resend (same code while valid, cooldown applies)
    } else {
      base = state.withPhone(phone);
    }
    SendReport report = verification.send(base);
    context.challenge(afterSendPage(context, verification, report, typed, base.hasCode()));
  }

  private void submitCode(
      RequiredActionContext context, SmsVerification verification, CodeState state, String typed) {
    Check check = state.check(typed, verification.now(), verification.settings());
    switch (check.result()) {
      case OK:
        UserModel user = context.getUser();
        user.setSingleAttribute(SmsVerification.PHONE_ATTRIBUTE, state.phone());
        verification.clear();
        context.success();
        return;
      case WRONG:
        verification.save(check.next());
        context.challenge(
            codePage(
                context, verification, check.next(), "portailSmsWrongCode", check.attemptsLeft()));
        return;
      case TOO_MANY:
        verification.save(check.next());
        context.challenge(
            blockedPage(context, verification, check.next(), "portailSmsTooManyAttempts"));
        return;
      case EXPIRED:
        context.challenge(codePage(context, verification, state, "portailSmsExpiredCode"));
        return;
      case MISSING:
        context.challenge(codePage(context, verification, state, "portailSmsMissingCode"));
        return;
      case BLOCKED:
        context.challenge(blockedPage(context, verification, state, "portailSmsTooManyAttempts"));
        return;
      case NO_CODE:
      default:
        context.challenge(phonePage(context, verification, state, ""));
    }
  }

  private static String phoneProblemMessage(PhoneNumbers.Problem problem) {
    switch (problem) {
      case EMPTY:
        return "portailPhoneMissing";
      case NOT_MOBILE:
        return "portailPhoneNotMobile";
      case INVALID:
        return "portailPhoneInvalid";
      case UNREADABLE:
      default:
        return "portailPhoneUnreadable";
    }
  }

  private SmsVerification verification(RequiredActionContext context) {
    return new SmsVerification(
        context.getSession(),
        context.getRealm(),
        context.getAuthenticationSession(),
        context.getUser(),
        context.getConnection(),
        SmsGateway.Purpose.ENROLMENT,
        settings(context),
        gateway);
  }

  private static SmsSettings settings(RequiredActionContext context) {
    RequiredActionConfigModel config;
    try {
      config = context.getConfig();
    } catch (RuntimeException e) {
      config = null;
    }
    return SmsSettings.of(config == null ? null : config.getConfig());
  }

  /** After a send request: the code step when a code went out, else the number step. */
  private static Response afterSendPage(
      RequiredActionContext context,
      SmsVerification verification,
      SendReport report,
      String typedPhone,
      boolean resend) {
    CodeState state = report.state();
    if (report.kind() == CodeState.SendKind.BLOCKED) {
      return blockedPage(context, verification, state, "portailSmsTooManyAttempts");
    }
    LoginFormsProvider form = context.form();
    boolean codeStep = state.hasCode() && state.isDelivered();
    Map<String, Object> data = verification.pageData(state, codeStep, false);
    if (report.result() != null && report.result().outcome() == SmsGateway.Outcome.REFUSED) {
      // Refused for this number (e.g. a country the portal does not serve): say so on the field.
      String message = report.result().message();
      SmsVerification.fieldError(
          form,
          FIELD_PHONE,
          message == null ? "portailSmsRefused" : "portailSmsGatewaySays",
          message);
      return render(form, data, "phone", typedPhone);
    }
    SmsVerification.describeSend(form, report, data, resend);
    return render(form, data, codeStep ? "code" : "phone", typedPhone);
  }

  private static Response currentCodePage(
      RequiredActionContext context, SmsVerification verification, CodeState state) {
    if (state.isBlocked()) {
      return blockedPage(context, verification, state, "portailSmsTooManyAttempts");
    }
    if (state.isExpired(verification.now())) {
      return codePage(context, verification, state, "portailSmsExpiredCode");
    }
    if (!state.isDelivered()) {
      LoginFormsProvider form = context.form().setError("portailSmsSendFailed");
      return render(form, verification, state, "phone", "");
    }
    return render(context.form(), verification, state, "code", "");
  }

  private static Response phonePage(
      RequiredActionContext context,
      SmsVerification verification,
      CodeState state,
      String typedPhone) {
    return render(context.form(), verification, state, "phone", typedPhone);
  }

  private static Response codePage(
      RequiredActionContext context,
      SmsVerification verification,
      CodeState state,
      String fieldMessage,
      Object... args) {
    LoginFormsProvider form = context.form();
    SmsVerification.fieldError(form, FIELD_CODE, fieldMessage, args);
    return render(form, verification, state, "code", "");
  }

  private static Response blockedPage(
      RequiredActionContext context,
      SmsVerification verification,
      CodeState state,
      String message) {
    LoginFormsProvider form = context.form().setError(message);
    Map<String, Object> data = verification.pageData(state, false, true);
    return render(form, data, "blocked", "");
  }

  private static Response render(
      LoginFormsProvider form,
      SmsVerification verification,
      CodeState state,
      String stage,
      String typedPhone) {
    Map<String, Object> data = verification.pageData(state, "code".equals(stage), false);
    return render(form, data, stage, typedPhone);
  }

  private static Response render(
      LoginFormsProvider form, Map<String, Object> data, String stage, String typedPhone) {
    data.put("stage", stage);
    data.put("typedPhone", typedPhone == null ? "" : typedPhone);
    return form.setAttribute(SmsVerification.PAGE_ATTRIBUTE, data).createForm(TEMPLATE);
  }

  @Override
  public void close() {}
}
