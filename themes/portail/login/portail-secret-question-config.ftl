<#--
  Portail Comptes: choosing one's secret question (module keycloak-extensions/portail-question,
  required action portail-secret-question). Data under `portailQuestion`: questions (the portal's
  question keys; texts are the messages portailQuestion.<key>), selected (the key chosen, or the
  person's current question), minLength, maxLength (of an answer).
  Element ids used by the browser tests: #question, #answer, #answerConfirm, #kc-submit, #kc-cancel,
  #input-error-question, #input-error-answer, #input-error-answerConfirm.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#assign data = portailQuestion!{}>
<#assign anyError = messagesPerField.existsError('question', 'answer', 'answerConfirm')>
<#macro fieldError name>
    <#if messagesPerField.existsError(name)>
        <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
            <div class="${properties.kcInputHelperTextClass!}">
                <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                    <span id="input-error-${name}" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get(name)}</span>
                </div>
            </div>
        </div>
    </#if>
</#macro>
<#macro invalid name><#if messagesPerField.existsError(name)>aria-invalid="true" aria-describedby="input-error-${name}"</#if></#macro>
<@layout.registrationLayout displayMessage=!anyError; section>
<!-- template: portail-secret-question-config.ftl -->
    <#if section = "header">
        ${msg("portailQuestionConfigTitle")}
    <#elseif section = "form">
        <form id="kc-secret-question-config-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <p id="kc-question-config-intro">${msg("portailQuestionConfigIntro")}</p>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="question" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("portailQuestionChoose")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('question')>${properties.kcError!}</#if>">
                    <select id="question" name="question" <@invalid name="question"/>>
                        <option value="">${msg("portailQuestionChoosePlaceholder")}</option>
                        <#list data.questions![] as key>
                            <option value="${key}" <#if key == (data.selected!"")>selected</#if>>${msg("portailQuestion." + key)}</option>
                        </#list>
                    </select>
                </span>
                <@fieldError name="question"/>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="answer" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("portailQuestionAnswerLabel")}</span>
                    </label>
                </div>
                <p id="kc-answer-rules">${msg("portailQuestionAnswerRules", (data.minLength!3)?c, (data.maxLength!40)?c)}</p>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('answer')>${properties.kcError!}</#if>">
                    <input id="answer" name="answer" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="80"
                           aria-describedby="kc-answer-rules<#if messagesPerField.existsError('answer')> input-error-answer</#if>"
                           <#if messagesPerField.existsError('answer')>aria-invalid="true"</#if>/>
                </span>
                <@fieldError name="answer"/>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="answerConfirm" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("portailQuestionAnswerConfirm")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('answerConfirm')>${properties.kcError!}</#if>">
                    <input id="answerConfirm" name="answerConfirm" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" maxlength="80" <@invalid name="answerConfirm"/>/>
                </span>
                <@fieldError name="answerConfirm"/>
            </div>
            <@buttons.actionGroup>
                <button id="kc-submit" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailQuestionSave")}</button>
                <#if isAppInitiatedAction??>
                    <button id="kc-cancel" name="cancel-aia" value="true" type="submit" formnovalidate class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
                </#if>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
