<#--
  Portail Comptes: mobile-number enrolment (module keycloak-extensions/portail-sms, required action
  portail-phone-enrolment). Two steps on one page, as in the portals' "Créer un code SMS" dialog:
  the number, then the code sent to it. Data under `portailSms`:
    stage ("phone" | "code" | "blocked"), typedPhone (what the user typed, on error),
    currentPhone (the number enrolled today, masked, or ""), maskedPhone (the number being
    verified), codeLength, minutesLeft (of the current code), gatewayMessage.
  Element ids used by the browser tests: #phone, #code, #kc-submit, #kc-resend, #kc-change-phone,
  #kc-cancel, #kc-restart, #input-error.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#assign sms = portailSms!{}>
<#assign stage = sms.stage!"phone">
<#assign phoneError = messagesPerField.existsError('phone')>
<#assign codeError = messagesPerField.existsError('code')>
<#macro fieldError name>
    <#if messagesPerField.existsError(name)>
        <div class="${properties.kcFormHelperTextClass!}" aria-live="polite">
            <div class="${properties.kcInputHelperTextClass!}">
                <div class="${properties.kcInputHelperTextItemClass!} ${properties.kcError!}">
                    <span id="input-error" class="${properties.kcInputErrorMessageClass!}">${messagesPerField.get(name)}</span>
                </div>
            </div>
        </div>
    </#if>
</#macro>
<#macro cancelButton>
    <#if isAppInitiatedAction??>
        <button id="kc-cancel" name="cancel-aia" value="true" type="submit" formnovalidate class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("doCancel")}</button>
    </#if>
</#macro>
<@layout.registrationLayout displayMessage=!(phoneError || codeError); section>
<!-- template: portail-phone-enrolment.ftl -->
    <#if section = "header">
        ${msg("portailPhoneTitle")}
    <#elseif section = "form">
        <div id="kc-portail-phone">
        <#if stage = "blocked">
            <div class="${properties.kcFormClass!}">
                <p id="kc-sms-blocked">${msg("portailSmsBlockedHelp")}</p>
                <@buttons.actionGroup>
                    <a id="kc-restart" href="${url.loginRestartFlowUrl}" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsRestart")}</a>
                </@buttons.actionGroup>
            </div>
            <#if isAppInitiatedAction??>
                <form id="kc-phone-cancel-form" action="${url.loginAction}" method="post">
                    <@buttons.actionGroup><@cancelButton/></@buttons.actionGroup>
                </form>
            </#if>
        <#elseif stage = "code">
            <form id="kc-phone-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
                <p id="kc-sms-sent-to">${msg("portailSmsCodeSentTo", (sms.codeLength!6)?c, sms.maskedPhone!"")}<#if (sms.minutesLeft!0) gt 0> ${msg("portailSmsCodeValidity", (sms.minutesLeft!5)?c)}</#if></p>
                <#if (sms.gatewayMessage!"")?has_content>
                    <p id="kc-sms-gateway-message">${sms.gatewayMessage}</p>
                </#if>
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
                    <@fieldError name="code"/>
                </div>
                <@buttons.actionGroup>
                    <button id="kc-submit" name="confirm" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailPhoneConfirm")}</button>
                    <button id="kc-resend" name="resend" value="true" type="submit" formnovalidate class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailSmsResend")}</button>
                    <button id="kc-change-phone" name="changePhone" value="true" type="submit" formnovalidate class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailPhoneChange")}</button>
                    <@cancelButton/>
                </@buttons.actionGroup>
            </form>
        <#else>
            <form id="kc-phone-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
                <p id="kc-phone-intro">${msg("portailPhoneIntro", (sms.codeLength!6)?c)}</p>
                <#if (sms.currentPhone!"")?has_content>
                    <p id="kc-phone-current">${msg("portailPhoneCurrent", sms.currentPhone)}</p>
                </#if>
                <#if (sms.gatewayMessage!"")?has_content>
                    <p id="kc-sms-gateway-message">${sms.gatewayMessage}</p>
                </#if>
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!}">
                        <label for="phone" class="${properties.kcFormLabelClass!}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("portailPhoneLabel")}</span>
                            <span class="${properties.kcInputRequiredClass!}" aria-hidden="true">&#42;</span>
                        </label>
                    </div>
                    <span class="${properties.kcInputClass!} <#if phoneError>${properties.kcError!}</#if>">
                        <input id="phone" name="phone" type="tel" autocomplete="tel" maxlength="40" autofocus
                               value="${sms.typedPhone!''}" placeholder="+41 79 111 22 33"
                               aria-invalid="<#if phoneError>true</#if>" <#if phoneError>aria-describedby="input-error"</#if>/>
                    </span>
                    <@fieldError name="phone"/>
                </div>
                <@buttons.actionGroup>
                    <button id="kc-submit" name="sendCode" type="submit" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("portailPhoneSendCode")}</button>
                    <@cancelButton/>
                </@buttons.actionGroup>
            </form>
        </#if>
        </div>
    </#if>
</@layout.registrationLayout>
