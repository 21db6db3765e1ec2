<#--
  Portail Comptes: "forgotten password", asking for the portal's identifiers (authenticator
  portail-reset-choose-user, module keycloak-extensions/portail-login); data under `portailLogin`
  as in login.ftl. Without it, the fields of keycloak.v2's page.
-->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#assign page = portailLogin!{}>
<#assign scheme = page.scheme!"">
<@layout.registrationLayout displayInfo=true displayMessage=!messagesPerField.existsError('username','siret'); section>
<!-- template: login-reset-password.ftl (portail) -->
    <#if section = "header">
        ${msg("emailForgotTitle")}
    <#elseif section = "form">
        <form id="kc-reset-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if scheme = "siret-names">
                <@field.input name="siret" label=msg("portailLoginSiret") autofocus=true value=page.value("siret") />
                <@field.input name="lastName" label=msg("portailLoginLastName") autocomplete="family-name" value=page.value("lastName") />
                <@field.input name="firstName" label=msg("portailLoginFirstName") autocomplete="given-name" value=page.value("firstName") />
            <#elseif scheme = "email">
                <@field.input name="username" label=msg("portailLoginEmail") autofocus=true autocomplete="email" value=page.value("username") />
            <#elseif scheme = "account-login">
                <@field.input name="username" label=msg("username") autofocus=true autocomplete="username" value=page.value("username") />
            <#else>
                <#assign label>
                    <#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if>
                </#assign>
                <@field.input name="username" label=label value=auth.attemptedUsername!'' autofocus=true />
            </#if>
            <@buttons.actionGroup>
              <@buttons.button id="kc-form-buttons" label="doSubmit"/>
              <@buttons.buttonLink href=url.loginUrl label="backToLogin"/>
            </@buttons.actionGroup>
        </form>
    <#elseif section = "info" >
        <span class="${properties.kcLoginMainFooterHelperText!}">
            <#if scheme = "siret-names">
                ${msg("portailResetSiretNamesInstruction")}
            <#elseif realm.duplicateEmailsAllowed>
                ${msg("emailInstructionUsername")}
            <#else>
                ${msg("emailInstruction")}
            </#if>
        </span>
        <#if (realm.attributes['portail.adminRequestUrl']!"")?has_content>
            <p id="kc-admin-request"><a href="${realm.attributes['portail.adminRequestUrl']}">${msg("portailAdminRequestLink")}</a></p>
        </#if>
    </#if>
</@layout.registrationLayout>
