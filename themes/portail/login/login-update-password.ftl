<#--
  Portail Comptes: choosing a new password, with the portal's rules listed before the person types
  (design rule 19; seed 004: "au moins 6 lettres et 2 chiffres, 12 caractères au plus…"). The rules
  come from the realm's password policy (`passwordPolicies`); a rule Keycloak's page model does not
  expose (a regexPattern policy) is described by the realm localization text
  `portailPasswordRuleCharacters`, when the portal has one. Keycloak's own script then names every
  failed rule as the person types; a refusal by the server names every rule it failed
  (keycloak-extensions/portail-passwords, message `portailPasswordRulesBroken`).
  Ids: #portail-password-rules, #password-new, #password-confirm, #kc-submit.
-->
<#import "template.ftl" as layout>
<#import "password-commons.ftl" as passwordCommons>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "password-validation.ftl" as validator>
<#assign rules = passwordPolicies!{}>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password','password-confirm'); section>
<!-- template: login-update-password.ftl (portail) -->
    <#if section = "header">
        ${msg("updatePasswordTitle")}
    <#elseif section = "form">
        <div id="portail-password-rules" class="${properties.kcFormGroupClass!}">
            <p>${msg("portailPasswordRulesIntro")}</p>
            <ul>
                <#if (rules.length!-1) gt 0><li data-rule="length">${msg("portailPasswordRuleLength", rules.length?c)}</li></#if>
                <#if (rules.maxLength!-1) gt 0><li data-rule="maxLength">${msg("portailPasswordRuleMaxLength", rules.maxLength?c)}</li></#if>
                <#if (rules.digits!-1) gt 0><li data-rule="digits">${msg("portailPasswordRuleDigits", rules.digits?c)}</li></#if>
                <#if (rules.lowerCase!-1) gt 0><li data-rule="lowerCase">${msg("portailPasswordRuleLowerCase", rules.lowerCase?c)}</li></#if>
                <#if (rules.upperCase!-1) gt 0><li data-rule="upperCase">${msg("portailPasswordRuleUpperCase", rules.upperCase?c)}</li></#if>
                <#if (rules.specialChars!-1) gt 0><li data-rule="specialChars">${msg("portailPasswordRuleSpecialChars", rules.specialChars?c)}</li></#if>
                <#if msg("portailPasswordRuleCharacters") != "portailPasswordRuleCharacters"><li data-rule="characters">${msg("portailPasswordRuleCharacters")}</li></#if>
                <#if rules.notUsername!false><li data-rule="notUsername">${msg("portailPasswordRuleNotUsername")}</li></#if>
                <#if rules.notEmail!false><li data-rule="notEmail">${msg("portailPasswordRuleNotEmail")}</li></#if>
            </ul>
            <p>${msg("portailPasswordRuleCase")}</p>
        </div>
        <form id="kc-passwd-update-form" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
            <@field.password name="password-new" label=msg("passwordNew") fieldName="password" autocomplete="new-password" autofocus=true />
            <@field.password name="password-confirm" label=msg("passwordConfirm") autocomplete="new-password" />

            <div class="${properties.kcFormGroupClass!}">
                <@passwordCommons.logoutOtherSessions/>
            </div>

            <@buttons.actionGroup horizontal=true>
                <#if isAppInitiatedAction??>
                    <@buttons.button id="kc-submit" name="login" label="doSubmit"/>
                    <@buttons.button id="kc-cancel" label="doCancel" name="cancel-aia" type="secondary"/>
                <#else>
                    <@buttons.button id="kc-submit" name="login" label="doSubmit"/>
                </#if>
            </@buttons.actionGroup>
        </form>

        <@validator.templates/>
        <@validator.script field="password-new"/>
    </#if>
</@layout.registrationLayout>
