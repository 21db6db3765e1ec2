<#--
  Portail Comptes: "forgotten password" by the secret question (module
  keycloak-extensions/portail-question, authenticator portail-secret-question). Data under
  `portailQuestion`: question (the key of the question asked; its text is the message
  portailQuestion.<key>). Keycloak's "try another way" link (below the card) leads to the e-mail link.
  Element ids used by the browser tests: #kc-question, #answer, #kc-submit, #input-error.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#assign data = portailQuestion!{}>
<#assign answerError = messagesPerField.existsError('answer')>
<@layout.registrationLayout displayMessage=!answerError; section>
<!-- template: portail-secret-question.ftl -->
    <#if section = "header">
        ${msg("portailQuestionTitle")}
    <#elseif section = "form">
        <form id="kc-secret-question-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <p id="kc-question-intro">${msg("portailQuestionIntro")}</p>
            <p id="kc-question-case">${msg("portailQuestionCaseMatters")}</p>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="answer" class="${properties.kcFormLabelClass!}">
                        <span id="kc-question" class="${properties.kcFormLabelTextClass!}">${msg("portailQuestion." + (data.question!""))}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if answerError>${properties.kcError!}</#if>">
                    <input id="answer" name="answer" type="text" autocomplete="off" autocapitalize="off" spellcheck="false"
                           maxlength="80" autofocus
                           aria-invalid="<#if answerError>true</#if>" <#if answerError>aria-describedby="input-error"</#if>/>
                </span>
                <#if answerError>
                    <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                        <div class="${properties.kcInputHelperTextClass!}">
                            <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                                <span id="input-error" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get('answer')}</span>
                            </div>
                        </div>
                    </div>
                </#if>
            </div>
            <@buttons.actionGroup>
                <button id="kc-submit" name="login" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailQuestionSubmit")}</button>
            </@buttons.actionGroup>
            <p id="kc-question-other-way">${msg("portailQuestionOtherWay")}</p>
            <#if (realm.attributes['portail.adminRequestUrl']!"")?has_content>
                <p id="kc-admin-request"><a href="${realm.attributes['portail.adminRequestUrl']}">${msg("portailAdminRequestLink")}</a></p>
            </#if>
        </form>
    </#if>
</@layout.registrationLayout>
