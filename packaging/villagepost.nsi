; 村邮通 VillagePost — Windows installer (NSIS 3, Unicode), per user: no administrator rights needed.
;
;   makensis -DVERSION=0.2.0 -DBUNDLE=..\dist\villagepost -DOUTFILE=..\dist\villagepost-0.2.0-setup.exe packaging\villagepost.nsi
;
; BUNDLE is the one-folder PyInstaller bundle (packaging/villagepost.spec). Relative paths are relative to
; this file's folder (makensis changes into it). The installer puts the program in
; %LOCALAPPDATA%\Programs\VillagePost (no admin: RequestExecutionLevel user), adds a Start-menu entry and a
; desktop shortcut to villagepost-window.exe, registers an uninstaller under HKCU, and speaks Chinese or
; English (the system's language; asked when not silent). Installing over an older version replaces the
; program files only. The uninstaller removes what the installer put there and nothing else: the registry,
; settings, backups and logs in %LOCALAPPDATA%\VillagePost (a different folder) are kept.
; Silent: villagepost-VERSION-setup.exe /S   (uninstall: "%LOCALAPPDATA%\Programs\VillagePost\uninstall.exe" /S)

Unicode True
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass -DVERSION=x.y.z (villagepost.__version__)"
!endif
!ifndef BUNDLE
  !define BUNDLE "../dist/villagepost"
!endif
!ifndef OUTFILE
  !define OUTFILE "../dist/villagepost-${VERSION}-setup.exe"
!endif

!define APPKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\VillagePost"
!define WINDOW_EXE "villagepost-window.exe"

Name "村邮通 VillagePost ${VERSION}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\VillagePost"
InstallDirRegKey HKCU "${APPKEY}" "InstallLocation"
ManifestDPIAware true
ManifestLongPathAware true
BrandingText "村邮通 VillagePost ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "../resources/icons/villagepost.ico"
!define MUI_UNICON "../resources/icons/villagepost.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${WINDOW_EXE}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when the system's is neither.
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString ShortcutName ${LANG_SIMPCHINESE} "村邮通"
LangString ShortcutName ${LANG_ENGLISH} "VillagePost"
LangString ShortcutDesc ${LANG_SIMPCHINESE} "农村寄递物流站点登记与覆盖率"
LangString ShortcutDesc ${LANG_ENGLISH} "Rural delivery station registry and coverage"
LangString UninstallName ${LANG_SIMPCHINESE} "卸载村邮通"
LangString UninstallName ${LANG_ENGLISH} "Uninstall VillagePost"
LangString DataKept ${LANG_SIMPCHINESE} "村邮通已卸载。您的数据库、设置和备份仍保留在 $LOCALAPPDATA\VillagePost，重新安装后可继续使用。"
LangString DataKept ${LANG_ENGLISH} "VillagePost was removed. Your registry, settings and backups are kept in $LOCALAPPDATA\VillagePost for a later install."

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "村邮通 VillagePost"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "村邮通 VillagePost 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "VillagePost"

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "VillagePost" SecMain
  SectionIn RO
  ; Over an older version: its program files go first (a file dropped by the new version must not linger);
  ; only files the installer owns are touched, never the user's data folder.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\villagepost.exe"
  Delete "$INSTDIR\${WINDOW_EXE}"

  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}/*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\$(ShortcutName)"
  CreateShortcut "$SMPROGRAMS\$(ShortcutName)\$(ShortcutName).lnk" "$INSTDIR\${WINDOW_EXE}" "" \
    "$INSTDIR\${WINDOW_EXE}" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"
  CreateShortcut "$SMPROGRAMS\$(ShortcutName)\$(UninstallName).lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\$(ShortcutName).lnk" "$INSTDIR\${WINDOW_EXE}" "" \
    "$INSTDIR\${WINDOW_EXE}" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"

  ; Apps & features (per user)
  WriteRegStr HKCU "${APPKEY}" "DisplayName" "村邮通 VillagePost"
  WriteRegStr HKCU "${APPKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${APPKEY}" "Publisher" "VillagePost"
  WriteRegStr HKCU "${APPKEY}" "DisplayIcon" "$INSTDIR\${WINDOW_EXE}"
  WriteRegStr HKCU "${APPKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${APPKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${APPKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegStr HKCU "${APPKEY}" "Language" "$LANGUAGE"
  WriteRegDWORD HKCU "${APPKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${APPKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Remove the program files by name (never RMDir /r on $INSTDIR: it may be a folder the user chose
  ; that holds other files); the data folder %LOCALAPPDATA%\VillagePost is not ours to delete.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\villagepost.exe"
  Delete "$INSTDIR\${WINDOW_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$DESKTOP\村邮通.lnk"
  Delete "$DESKTOP\VillagePost.lnk"
  RMDir /r "$SMPROGRAMS\村邮通"
  RMDir /r "$SMPROGRAMS\VillagePost"
  DeleteRegKey HKCU "${APPKEY}"
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "$(DataKept)"
SectionEnd
