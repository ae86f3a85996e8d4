/** MS04-011 / KB835732, exploited by the Sasser worm from 30 April 2004 (real bulletin). */
export const sasserUpdate = {
  bulletinId: "MS04-011",
  kbNumber: "KB835732",
  title: "Security Update for Microsoft Windows (LSASS and others)",
  classification: "SECURITY_UPDATE",
  vendorSeverity: "CRITICAL",
  products: ["Windows XP", "Windows 2000", "Windows Server 2003"],
  releasedAt: "2004-04-13T17:00:00.000Z",
  sizeKB: 5120,
  installerEngine: "UPDATE_EXE",
  installCommand: "WindowsXP-KB835732-x86-ENU.exe /quiet /norestart",
  rollbackability: "REMOVABLE",
  uninstallCommand: "%windir%\\$NtUninstallKB835732$\\spuninst\\spuninst.exe /quiet /norestart",
  detectionRule: { registryKey: "HKLM\\SOFTWARE\\Microsoft\\Updates\\Windows XP\\SP2\\KB835732" },
  requiresRestart: "YES",
} as const;

export const HASH = "a".repeat(64);
