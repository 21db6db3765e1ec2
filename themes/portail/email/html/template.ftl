<#--
  Portail Comptes: HTML frame of every e-mail (replaces base's bare <html><body>).
  Header band with the portal name (realmName = realm displayName), the message, a footer line.
  Styles are inline because many e-mail clients drop <style> blocks. The colour setting is used
  only if it looks like a plain CSS colour.
-->
<#macro emailLayout>
<#assign portailPrimary = (properties.portailPrimaryColor!"")?trim>
<#if !portailPrimary?matches("[#A-Za-z0-9(),.% ]{1,40}")><#assign portailPrimary = "#1d4f91"></#if>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>a { color: ${portailPrimary}; }</style>
</head>
<body style="margin:0; padding:0; background-color:#f4f6f9;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background-color:#f4f6f9;">
<tr><td align="center" style="padding:24px 12px;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px; background-color:#ffffff; border-top:4px solid ${portailPrimary}; font-family:Arial, Helvetica, sans-serif; font-size:15px; line-height:1.5; color:#1f2328;">
    <tr><td style="padding:20px 28px 4px; font-size:20px; font-weight:bold; color:${portailPrimary};">${realmName}</td></tr>
    <tr><td style="padding:4px 28px 20px;">
      <#nested>
    </td></tr>
    <tr><td style="padding:14px 28px; border-top:1px solid #e1e5ea; font-size:12px; color:#4f5964;">${msg("portailEmailFooter", realmName)}</td></tr>
  </table>
</td></tr>
</table>
</body>
</html>
</#macro>
