package fr.portailcomptes.keycloak.question;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;

/**
 * The person chooses a question from the portal's list and types its answer twice ({@value
 * #TEMPLATE}). Added at sign-in to anyone without a question where the portal enables them, and run
 * on request from an application or the account console ({@code kc_action=}{@value
 * SecretQuestionRequiredActionFactory#PROVIDER_ID}) to change it.
 */
public final class SecretQuestionRequiredAction implements RequiredActionProvider {

  static final String TEMPLATE = "portail-secret-question-config.ftl";
  static final String ATTRIBUTE = "portailQuestion";
  static final String FIELD_QUESTION = "question";
  static final String FIELD_ANSWER = "answer";
  static final String FIELD_CONFIRM = "answerConfirm";

  @Override
  public InitiatedActionSupport initiatedActionSupport() {
    return InitiatedActionSupport.SUPPORTED;
  }

  @Override
  public void evaluateTriggers(RequiredActionContext context) {
    UserModel user = context.getUser();
    if (!questions(context.getRealm()).isEmpty()
        && SecretQuestionCredentialProviderFactory.of(context.getSession())
            .stored(user)
            .isEmpty()) {
      user.addRequiredAction(SecretQuestionRequiredActionFactory.PROVIDER_ID);
    }
  }

  @Override
  public void requiredActionChallenge(RequiredActionContext context) {
    if (questions(context.getRealm()).isEmpty()) { // the portal turned questions off meanwhile
      context.getUser().removeRequiredAction(SecretQuestionRequiredActionFactory.PROVIDER_ID);
      context.success();
      return;
    }
    String current =
        SecretQuestionCredentialProviderFactory.of(context.getSession())
            .stored(context.getUser())
            .map(SecretQuestionCredentialModel::question)
            .orElse("");
    context.challenge(page(context, current, null));
  }

  @Override
  public void processAction(RequiredActionContext context) {
    List<String> questions = questions(context.getRealm());
    if (questions.isEmpty()) {
      context.success();
      return;
    }
    MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
    String question = Optional.ofNullable(form.getFirst(FIELD_QUESTION)).orElse("");
    String answer = form.getFirst(FIELD_ANSWER);
    FormMessage error = null;
    if (!questions.contains(question)) {
      error = new FormMessage(FIELD_QUESTION, "portailQuestionChooseOne");
    } else {
      Optional<String> problem = SecretQuestions.problem(answer);
      if (problem.isPresent()) {
        error = new FormMessage(FIELD_ANSWER, problem.get());
      } else if (!SecretQuestions.normalize(answer)
          .equals(SecretQuestions.normalize(form.getFirst(FIELD_CONFIRM)))) {
        error = new FormMessage(FIELD_CONFIRM, "portailQuestionAnswerMismatch");
      }
    }
    if (error != null) {
      context.challenge(page(context, question, error));
      return;
    }
    SecretQuestionCredentialProviderFactory.of(context.getSession())
        .choose(context.getRealm(), context.getUser(), question, answer);
    context
        .getEvent()
        .clone()
        .event(EventType.UPDATE_CREDENTIAL)
        .detail(Details.CREDENTIAL_TYPE, SecretQuestionCredentialModel.TYPE)
        .success();
    context.success();
  }

  @Override
  public void close() {}

  static List<String> questions(RealmModel realm) {
    return SecretQuestions.keys(realm.getAttribute(SecretQuestions.QUESTIONS_ATTRIBUTE));
  }

  private static Response page(RequiredActionContext context, String selected, FormMessage error) {
    var form =
        context
            .form()
            .setAttribute(
                ATTRIBUTE,
                Map.of(
                    "questions",
                    questions(context.getRealm()),
                    "selected",
                    selected,
                    "minLength",
                    SecretQuestions.MIN_LENGTH,
                    "maxLength",
                    SecretQuestions.MAX_LENGTH));
    if (error != null) {
      form.addError(error);
    }
    return form.createForm(TEMPLATE);
  }
}
