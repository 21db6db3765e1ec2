<#--
  Portail Comptes: footer.ftl is keycloak.v2's extension hook, called by its template.ftl at the
  bottom of the login card on every page. We use it rather than overriding template.ftl (a large
  file that changes with each Keycloak release) to:
    1. expose the colour settings of theme.properties as CSS custom properties (css/portail.css
       reads them; its own values are only a fallback);
    2. print the footer line.
  A <style> element in <body> is honoured by every browser. A value that does not look like a
  plain CSS colour (no ; { } < >) is ignored, so a bad setting cannot break the page's CSS.
-->
<#function portailColour key>
  <#local value = (properties[key]!"")?trim>
  <#if value?matches("[#A-Za-z0-9(),.% ]{1,40}")>
    <#return value>
  </#if>
  <#return "">
</#function>
<#macro content>
<#assign portailVars = {
  "--portail-primary": portailColour("portailPrimaryColor"),
  "--portail-primary-hover": portailColour("portailPrimaryHoverColor"),
  "--portail-background": portailColour("portailBackgroundColor")
}>
<style>
  :root {
<#list portailVars as name, value><#if value?has_content>    ${name}: ${value};
</#if></#list>
  }
</style>
<p class="portail-footer">${msg("portailFooter")}</p>
</#macro>
