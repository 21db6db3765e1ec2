<#--
  Portail Comptes: the login page, asking for the portal's identifiers (module
  keycloak-extensions/portail-login, authenticator portail-login-form). Data under `portailLogin`:
    scheme ("account-login", "email", "siret-names"), fields (in page order), value(field) (what was typed).
  Without it (a flow with Keycloak's own form), the page is keycloak.v2's.
  Field ids: #username (account login, e-mail), #siret, #lastName, #firstName, #password, #kc-login.
-->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "social-providers.ftl" as identityProviders>
<#assign page = portailLogin!{}>
<#assign scheme = page.scheme!"account-login">
<#assign firstField = (page.fields![])?has_content?then(page.fields[0], "username")>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('username','password') displayInfo=realm.password && realm.registrationAllowed && !registrationDisabled??; section>
<!-- template: login.ftl (portail) -->
    <#if section = "header">
        ${msg("loginAccountTitle")}
    <#elseif section = "form">
        <div id="kc-form">
          <div id="kc-form-wrapper">
            <#if realm.password>
                <form id="kc-form-login" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
                    <#assign error = messagesPerField.getFirstError('username','password')>
                    <#if !usernameHidden??>
                        <#if scheme = "siret-names">
                            <p id="kc-portail-identifiers-help" class="${properties.kcLoginMainFooterHelperText!}">${msg("portailLoginSiretNamesHelp")}</p>
                            <@field.input name="siret" label=msg("portailLoginSiret") error=error autofocus=true autocomplete="off" value=page.value("siret") />
                            <@field.input name="lastName" label=msg("portailLoginLastName") error="" autocomplete="family-name" value=page.value("lastName") />
                            <@field.input name="firstName" label=msg("portailLoginFirstName") error="" autocomplete="given-name" value=page.value("firstName") />
                        <#elseif scheme = "email">
                            <@field.input name="username" label=msg("portailLoginEmail") error=error autofocus=true autocomplete="email" value=page.value("username") />
                        <#else>
                            <@field.input name="username" label=msg("username") error=error autofocus=true autocomplete="username" value=login.username!'' />
                        </#if>
                    </#if>
                    <@field.password name="password" label=msg("password") error=usernameHidden???then(error, "") forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                        <#if realm.rememberMe && !usernameHidden??>
                            <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                        </#if>
                    </@field.password>
                    <input type="hidden" id="id-hidden-input" name="credentialId" <#if auth.selectedCredential?has_content>value="${auth.selectedCredential}"</#if>/>
                    <@buttons.loginButton />
                </form>
            </#if>
            </div>
        </div>
    <#elseif section = "socialProviders" >
        <#if realm.password && social.providers?? && social.providers?has_content>
            <@identityProviders.show social=social/>
        </#if>
    <#elseif section = "info" >
        <#if realm.password && realm.registrationAllowed && !registrationDisabled??>
            <div id="kc-registration-container">
                <div id="kc-registration">
                    <span>${msg("noAccount")} <a href="${url.registrationUrl}">${msg("doRegister")}</a></span>
                </div>
            </div>
        </#if>
    </#if>
</@layout.registrationLayout>
