<#--
  Portail Comptes: the SMS code step of the login (module keycloak-extensions/portail-sms,
  authenticator portail-sms-authenticator). Data under `portailSms`:
    maskedPhone ("+41 79 *** ** 33"), codeLength, minutesLeft (of the current code), delivered (a code went out),
    showCodeForm (offer the code field), blocked (this login attempt is over), gatewayMessage
    (the SMS gateway's own explanation, e.g. when rate-limited).
  Element ids used by the browser tests: #code, #kc-submit, #kc-resend, #kc-restart, #input-error.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#assign sms = portailSms!{}>
<#assign codeError = messagesPerField.existsError('code')>
<@layout.registrationLayout displayMessage=!codeError; section>
<!-- template: portail-sms-code.ftl -->
    <#if section = "header">
        ${msg("portailSmsTitle")}
    <#elseif section = "form">
        <div id="kc-portail-sms">
        <#if sms.blocked!false>
            <div class="${properties.kcFormClass!}">
                <p id="kc-sms-blocked">${msg("portailSmsBlockedHelp")}</p>
                <@buttons.actionGroup>
                    <a id="kc-restart" href="${url.loginRestartFlowUrl}" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsRestart")}</a>
                </@buttons.actionGroup>
            </div>
        <#else>
            <form id="kc-sms-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
                <#if sms.delivered!false>
                    <p id="kc-sms-sent-to">${msg("portailSmsCodeSentTo", (sms.codeLength!6)?c, sms.maskedPhone!"")}<#if (sms.minutesLeft!0) gt 0> ${msg("portailSmsCodeValidity", (sms.minutesLeft!5)?c)}</#if></p>
                </#if>
                <#if (sms.gatewayMessage!"")?has_content>
                    <p id="kc-sms-gateway-message">${sms.gatewayMessage}</p>
                </#if>
                <#if sms.showCodeForm!false>
                    <div class="${properties.kcFormGroupClass!}">
                        <div class="${properties.kcFormGroupLabelClass!}">
                            <label for="code" class="${properties.kcFormLabelClass!}">
                                <span class="${properties.kcFormLabelTextClass!}">${msg("portailSmsCodeLabel")}</span>
                            </label>
                        </div>
                        <span class="${properties.kcInputClass!} <#if codeError>${properties.kcError!}</#if>">
                            <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                                   maxlength="20" autofocus
                                   aria-invalid="<#if codeError>true</#if>" <#if codeError>aria-describedby="input-error"</#if>/>
                        </span>
                        <#if codeError>
                            <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
                                <div class="${properties.kcInputHelperTextClass!}">
                                    <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                                        <span id="input-error" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get('code')}</span>
                                    </div>
                                </div>
                            </div>
                        </#if>
                    </div>
                    <@buttons.actionGroup>
                        <button id="kc-submit" name="login" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsSubmit")}</button>
                        <button id="kc-resend" name="resend" value="true" type="submit" formnovalidate class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsResend")}</button>
                    </@buttons.actionGroup>
                <#else>
                    <@buttons.actionGroup>
                        <button id="kc-resend" name="resend" value="true" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsRetry")}</button>
                    </@buttons.actionGroup>
                </#if>
                <p id="kc-sms-restart"><a id="kc-restart" href="${url.loginRestartFlowUrl}">${msg("portailSmsRestart")}</a></p>
            </form>
        </#if>
        </div>
    </#if>
</@layout.registrationLayout>
