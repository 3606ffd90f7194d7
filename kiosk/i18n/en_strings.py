"""English for every screen string, keyed by the Chinese source text.

``python -m kiosk.devtools i18n`` fills ``starkiosk_en.ts`` from this table (only messages that
have no translation yet).  Add a line here when you add a ``self.tr("…")``; a key of the form
``("Context", "源文")`` gives one context its own wording.  Placeholders (%1, %2 …) must survive.
"""

from __future__ import annotations

from kiosk.i18n.en_reasons import EN_REASONS

EN: dict[str | tuple[str, str], str] = {
    # -- admin and status (kiosk/ui/screens/admin.py) --
    "状态与管理": "Status and admin",
    "关闭": "Close",
    "设置": "Settings",
    "诊断": "Diagnostics",
    "平台地址": "Platform address",
    "摄像头": "Camera",
    "语言": "Language",
    "音量": "Volume",
    "全屏展台模式（退出需管理员密码）": "Full-screen kiosk mode (leaving needs the admin PIN)",
    "展台模式": "Kiosk mode",
    " 天": " days",
    "已上报记录保留": "Keep uploaded records for",
    "保存设置": "Save settings",
    "修改管理员密码": "Change admin PIN",
    "设置培训师密码": "Set trainer PIN",
    "退出全屏": "Leave full screen",
    "摄像头 %1：%2": "Camera %1: %2",
    "摄像头 %1": "Camera %1",
    "不用摄像头（只用扫码枪）": "No camera (scanner only)",
    "未注册（只用站点数据包）": "Not enrolled (site bundle only)",
    "培训师密码：已设置（培训师忘带培训师码时可用，结课会先在本机保留，待扫码确认后上报）":
        "Trainer PIN: set (for a trainer without their pass; the close-out stays on this kiosk "
        "until the trainer pass confirms it)",
    "培训师密码：未设置（培训师必须扫描培训师码才能结课）":
        "Trainer PIN: not set (trainers must scan their trainer pass to close a class)",
    "设置没有保存：%1": "Settings not saved: %1",
    "设置已保存。语言和摄像头的更改在重新启动后生效。":
        "Settings saved. Language and camera changes take effect after a restart.",
    "管理员密码已更改。": "Admin PIN changed.",
    "培训师密码已设置。": "Trainer PIN set.",
    "被拒收或待确认的记录（原因）": "Parked or unconfirmed records (reason)",
    "类型": "Kind",
    "课程": "Class",
    "时间": "Time",
    "原因": "Reason",
    "日志（最近 200 行）": "Log (last 200 lines)",
    "检查数据库": "Check database",
    "立即同步": "Sync now",
    "导出到U盘": "Export to USB stick",
    "刷新": "Refresh",
    "同步：本机未注册（只用站点数据包，可导出到U盘）":
        "Sync: this kiosk is not enrolled (site bundle only; export to a USB stick)",
    "同步：在线，上次成功 %1": "Sync: online, last success %1",
    "同步：离线，上次成功 %1；错误：%2": "Sync: offline, last success %1; error: %2",
    "同步：尚未同步": "Sync: not synced yet",
    "记录：待上报 %1 · 已上报 %2 · 被拒收 %3": "Records: pending %1 · uploaded %2 · parked %3",
    "结课：待上报 %1 · 已上报 %2 · 被拒收或待确认 %3":
        "Close-outs: pending %1 · uploaded %2 · parked or unconfirmed %3",
    "✘ 平台已停用本机：%1": "✘ The platform has disabled this kiosk: %1",
    "⚠ 本机时钟与平台相差较大，请校准时间。":
        "⚠ This kiosk's clock is far from the platform's; please set the time.",
    "从未": "never",
    "签到": "Check-in",
    "签退": "Check-out",
    "用培训师密码结课，等待扫描培训师码确认":
        "Closed with the trainer PIN, waiting for the trainer pass",
    "结课": "Close-out",
    "数据库检查未通过：%1": "Database check failed: %1",
    "数据库检查通过。": "Database check passed.",
    "无法开始同步，详情见日志。": "Could not start a sync; see the log.",
    "正在同步……完成后请按“刷新”查看结果。": "Syncing… press “Refresh” to see the result.",
    "导出失败：%1": "Export failed: %1",
    "本机还没有场地数据：请先导入场地数据包或注册本终端。":
        "This kiosk has no venue yet: import a site bundle or enrol it first.",
    "无法写入文件：请检查U盘是否插好、是否还有空间。":
        "Cannot write the file: check that the USB stick is in and has room.",
    "已导出 %1 条待上报记录到 %2（被拒收的 %3 条不导出）。请把文件交给平台导入。":
        "Exported %1 pending records to %2 (%3 parked records not exported). "
        "Give the file to the platform to import.",
    "开课": "Class starts",
    # -- class picker --
    "请选择今天的课程": "Choose today's class",
    "今天本场地没有课程。请联系场地管理员同步课程，或稍后再试。":
        "No classes at this venue today. Ask the site admin to sync the classes, or try later.",
    "开始签到": "Start check-in",
    "%1–%2  %3\n%4 · 培训师 %5 · 已报名 %6 人": "%1–%2  %3\n%4 · trainer %5 · %6 registered",
    "（已取消）": "(cancelled)",
    "（已结课）": "(closed)",
    # -- close-out (kiosk/ui/screens/closeout.py) --
    "%1–%2 · 培训师 %3 · 已签到 %4 / 报名 %5": "%1–%2 · trainer %3 · checked in %4 / registered %5",
    "结课签核：%1": "Close-out: %1",
    "返回": "Back",
    "忘带培训师码？用培训师密码": "No trainer pass? Use the trainer PIN",
    "查看结课汇总": "View the summary",
    "核对名单：%1": "Review the roster: %1",
    "序号": "No.",
    "姓名": "Name",
    "手机尾号": "Phone (last 4)",
    "签到时间": "Checked in",
    "方式": "Method",
    "状态": "Status",
    "更正": "Correction",
    "移除所选记录": "Remove the selected record",
    "为所选家长补录": "Add the selected parent",
    "撤销更正": "Undo correction",
    "签核后本课锁定，不能再签到；更正和出勤名单将上报平台发放积分。":
        "Signing off locks the class: no more check-ins. Corrections and attendance go to the "
        "platform, which awards the credits.",
    "签核结课": "Sign off the class",
    "本课已结课": "This class is closed",
    "签到时间分布（每 5 分钟一格，虚线为开课时间）":
        "Arrival times (5-minute bars; the dashed line is the start time)",
    "导出签到表（PDF）": "Export sign-in sheet (PDF)",
    "导出 CSV": "Export CSV",
    "导出 Excel": "Export Excel",
    "完成": "Done",
    "请培训师扫描自己的培训师码（手机上的码或扫码枪均可）。":
        "Trainer: please scan your own trainer pass (phone or USB scanner).",
    "本课已用培训师密码签核并锁定。请培训师扫描培训师码，结课信息才会上报平台、发放积分。":
        "This class was signed off with the trainer PIN and is locked. The trainer must scan "
        "their trainer pass before the close-out goes to the platform and credits are awarded.",
    "正在用培训师密码结课：本课会锁定、更正会记录在本机，但要等培训师扫描培训师码后才会上报平台、发放积分。请在纸质签到表上签字。":
        "Closing with the trainer PIN: the class is locked and corrections are kept on this "
        "kiosk, but nothing goes to the platform (and no credits are awarded) until the trainer "
        "scans their trainer pass. Please sign the paper sign-in sheet.",
    "✔ 已签到": "✔ present",
    "△ 迟到": "△ late",
    "★ 临时参加": "★ walk-in",
    "— 未到": "— absent",
    "扫码枪": "scanner",
    "人工": "manual",
    "✘ 将移除：%1": "✘ to remove: %1",
    "＋ 将补录：%1": "＋ to add: %1",
    "出勤 %1 人（其中迟到 %2、临时参加 %3）· 未到 %4 · 将移除 %5 · 将补录 %6":
        "Present %1 (late %2, walk-ins %3) · absent %4 · to remove %5 · to add %6",
    "培训师码已确认，结课信息已排队上报平台。":
        "Trainer pass confirmed; the close-out is queued for the platform.",
    "报名 %1 人 · 出勤 %2 人 · 临时参加 %3 人 · 移除 %4 条 · 补录 %5 人":
        "Registered %1 · present %2 · walk-ins %3 · removed %4 · added %5",
    "已用培训师密码签核，本课已锁定。积分要等培训师扫描培训师码后才会上报：现在扫描也可以。请打印签到表，由培训师和站点管理员签字。":
        "Signed off with the trainer PIN; the class is locked. Credits are reported only after "
        "the trainer scans their trainer pass (scanning now works too). Print the sign-in "
        "sheet for the trainer and the site admin to sign.",
    "平台没有接受这次结课：%1。请联系站点管理员。":
        "The platform did not accept this close-out: %1. Please contact the site admin.",
    "已签核并锁定，平台已收到，积分已发放。":
        "Signed off and locked; the platform has it and the credits are awarded.",
    "已签核并锁定。结课信息已排队，联网后自动上报平台并发放积分。":
        "Signed off and locked. The close-out is queued and goes to the platform (and credits "
        "are awarded) as soon as the kiosk is online.",
    "无法保存到 %1。请检查U盘后再试。": "Cannot save to %1. Check the USB stick and try again.",
    "已保存：%1": "Saved: %1",
    "无法识别": "unreadable",
    "来自其他系统或已停用的密钥": "from another system or a retired key",
    "签名不对，可能是伪造的": "bad signature, possibly forged",
    "已作废": "revoked",
    "已过期": "expired",
    "尚未生效": "not valid yet",
    "这是家长码。结课需要培训师本人的培训师码。":
        "This is a parent pass. Closing the class needs the trainer's own trainer pass.",
    "这张培训师码不属于本课的培训师，只有本课的培训师可以结课。":
        "This trainer pass is not this class's trainer; only the class's trainer can close it.",
    "本课已经结课，不能重复签核。": "This class is already closed; it cannot be signed off twice.",
    "本机没有这门课程。": "This class is not on this kiosk.",
    "要移除的签到记录不属于本课，请刷新名单后再试。":
        "The record to remove is not from this class; refresh the roster and try again.",
    "要补录的家长已经签到，不需要补录。": "That parent is already checked in; nothing to add.",
    "每一条更正都需要填写原因。": "Every correction needs a reason.",
    "本课没有等待培训师码确认的结课。": "This class has no close-out waiting for a trainer pass.",
    "培训师码不能使用（%1）。请换一张有效的培训师码，或使用培训师密码。":
        "This trainer pass cannot be used (%1). Use a valid trainer pass, or the trainer PIN.",
    "无法结课（%1）。": "Cannot close the class (%1).",
    # -- crash screen --
    "出了点问题，请联系工作人员": "Something went wrong — please call staff",
    "已签到的记录都已保存。终端马上回到签到界面。":
        "Every check-in is saved. The kiosk returns to the scan screen in a moment.",
    "返回签到": "Back to check-in",
    # -- first run --
    "欢迎使用星级家长签到终端": "Welcome to the Star Parent check-in kiosk",
    "首次使用：请输入平台地址和注册码，或用扫码枪扫描平台上的注册二维码。":
        "First use: enter the platform address and the enrolment code, or scan the platform's "
        "enrolment QR code with the USB scanner.",
    "平台地址，例如 https://credits.example.gov.cn":
        "Platform address, e.g. https://credits.example.gov.cn",
    "注册码，例如 ABCD-EFGH-JKLM": "Enrolment code, e.g. ABCD-EFGH-JKLM",
    "注册本终端": "Enrol this kiosk",
    "先看演示": "Try the demo",
    "注册码": "Enrolment code",
    "这不是注册二维码。请扫描平台“终端注册”页面上的二维码。":
        "This is not an enrolment QR code. Scan the code on the platform's “kiosk enrolment” page.",
    "请填写平台地址和注册码。": "Please fill in the platform address and the enrolment code.",
    "正在注册并下载课程…": "Enrolling and downloading the classes…",
    "注册成功：%1": "Enrolled: %1",
    "注册码无效，请向平台管理员索取新的注册码。":
        "This enrolment code is not valid; ask the platform admin for a new one.",
    "这个注册码已经用过了，每个注册码只能注册一台终端。":
        "This enrolment code was already used; each code enrols one kiosk.",
    "注册码已过期，请向平台管理员索取新的注册码。":
        "This enrolment code has expired; ask the platform admin for a new one.",
    "平台地址必须以 https:// 开头：用 http:// 时，注册码和终端凭据会以明文在网络上传送。"
    "请向平台管理员确认 https:// 地址。":
        "The platform address must start with https://: over http:// the enrolment code and "
        "the kiosk's token would cross the network in clear text. Ask the platform admin for "
        "the https:// address.",
    "平台地址应以 https:// 开头。": "The platform address should start with https://.",
    "尝试次数太多，请稍后再试。": "Too many attempts; please try again later.",
    "无法连接平台，请检查网络和平台地址。（%1）":
        "Cannot reach the platform; check the network and the address. (%1)",
    # -- volunteer help --
    "志愿者帮助": "Volunteer help",
    "返回扫码": "Back to scanning",
    "手机尾号 4 位": "Last 4 digits of the phone",
    "姓（可选）": "Surname (optional)",
    "查找": "Find",
    "确认签到": "Confirm check-in",
    "取消": "Cancel",
    "忘带手机：按手机尾号查找已报名家长":
        "No phone: find a registered parent by the last 4 digits of their phone",
    "家长编号（见执照卡）": "Parent number (on the licence card)",
    "临时参加签到": "Check in as a walk-in",
    "未报名的家长（临时参加）": "Parents who did not register (walk-ins)",
    "本课程接受临时参加：请家长在签到屏扫码；忘带手机的，输入家长编号后签到（会标记为临时参加，由培训师确认）。":
        "This class takes walk-ins: the parent scans their pass at the kiosk; without a phone, "
        "enter their parent number (flagged as a walk-in for the trainer to confirm).",
    "本课程只接受已报名家长，不接受临时参加。请引导家长在平台报名下一期课程。":
        "This class takes registered parents only, no walk-ins. Please help the parent register "
        "for the next class on the platform.",
    "输入手机尾号后点“查找”。": "Enter the last 4 phone digits, then press “Find”.",
    "请输入手机号码的后 4 位数字。": "Please enter the last 4 digits of the phone number.",
    "正在查找…": "Searching…",
    "没有找到报名本课程、手机尾号相符的家长。请核对号码，或按临时参加处理。":
        "No registered parent of this class has these phone digits. Check the number, or "
        "treat them as a walk-in.",
    "找到 %1 位家长，请核对姓名后点选（也可输入姓缩小范围）。":
        "%1 parents found: check the name and tap one (or enter the surname to narrow it down).",
    "请点选要签到的家长：": "Tap the parent to check in:",
    "%1   第%2阶段 %3": "%1   stage %2 %3",
    "为 %1 人工签到？": "Check in %1 manually?",
    "请输入家长编号（执照卡上的数字）。": "Please enter the parent number (the digits on the licence card).",
    "家长编号（见执照卡，含最后一位校验码）":
        "Parent number (on the licence card, last digit included)",
    "正在核对编号…": "Checking the number…",
    "编号有误，请核对": "Number is wrong, please check it",
    "请核对姓名后确认：": "Check the name, then confirm:",
    "编号 %1：%2   第%3阶段 %4 — 确认签到？": "Number %1: %2   stage %3 %4 — check in?",
    "请与家长核对编号。": "Check the number with the parent.",
    "本终端没有这位家长的资料，确定按编号 %1 签到？":
        "This kiosk has no details of this parent. Check in by number %1 anyway?",
    # -- main window --
    "星级家长 签到终端": "Star Parent check-in kiosk",
    # -- PIN pad (kiosk/ui/pin.py) --
    "密码": "PIN",
    "清除": "Clear",
    "退格": "Backspace",
    "确定": "OK",
    "请输入管理员密码": "Enter the admin PIN",
    "请输入培训师密码": "Enter the trainer PIN",
    "请输入新的管理员密码（6–8 位数字）": "Enter a new admin PIN (6–8 digits)",
    "请输入新的培训师密码（6–8 位数字）": "Enter a new trainer PIN (6–8 digits)",
    "请再输入一次新密码": "Enter the new PIN again",
    "密码错误次数太多，请 %1 秒后再试。": "Too many wrong PINs; try again in %1 seconds.",
    "这是出厂默认密码，请现在设置新的管理员密码。":
        "This is the factory default PIN; set a new admin PIN now.",
    "密码不对，还可以再试 %1 次。": "Wrong PIN; %1 tries left.",
    "不能使用出厂默认密码，请换一个。": "The factory default PIN cannot be used; choose another.",
    "密码太简单（数字全部相同），请换一个。": "PIN too simple (all digits the same); choose another.",
    "密码需要 6–8 位数字。": "The PIN needs 6–8 digits.",
    "管理员密码现在至少要 6 位数字，请现在设置新的管理员密码。":
        "The admin PIN now needs at least 6 digits; set a new admin PIN now.",
    "本机的管理员密码设置已丢失，任何密码都不能打开。请管理员在这台电脑上运行 "
    "starkiosk reset-admin-pin 重新设置密码。":
        "This kiosk's admin PIN setting was lost, so no PIN opens it. An administrator must run "
        "starkiosk reset-admin-pin on this PC to set a new one.",
    "两次输入的密码不一样，请重新设置。": "The two PINs differ; please set it again.",
    "没有培训师密码": "No trainer PIN",
    "本机还没有设置培训师密码。请扫描培训师码，或请站点管理员在管理页设置密码。":
        "No trainer PIN is set on this kiosk. Scan the trainer pass, or ask the site admin to "
        "set a PIN on the admin screen.",
    # -- correction reasons (close-out) --
    "更正原因": "Reason for the correction",
    "移除 %1 的签到记录，原因是：": "Remove %1's check-in because:",
    "为 %1 补录出勤，原因是：": "Add %1's attendance because:",
    "扫错了人": "Wrong person scanned",
    "家长未参加课程": "The parent did not attend",
    "重复登记": "Recorded twice",
    "忘带手机，培训师确认在场": "No phone; the trainer confirms they attended",
    "扫码失败，培训师确认在场": "The scan failed; the trainer confirms they attended",
    "代为签到的家属，培训师确认": "A family member checked in for them; the trainer confirms",
    "或在这里输入原因": "or type the reason here",
    # -- result card --
    "签到成功": "Checked in",
    "临时参加，已签到": "Walk-in, checked in",
    "签退成功": "Checked out",
    "已签过到": "Already checked in",
    "未能签到": "Not checked in",
    "第%1阶段 %2  已有 %3 分": "Stage %1 %2  %3 credits so far",
    "本课 +%1 分": "this class +%1",
    "请出示星级家长码": "Please show your Star Parent pass",
    # -- scan screen --
    "把手机上的二维码对准方框，或用扫码枪扫码":
        "Hold the QR code on your phone inside the frame, or use the USB scanner",
    "培训师结课": "Trainer close-out",
    "换课程": "Change class",
    "管理": "Admin",
    "演示：断开网络": "Demo: unplug network",
    "演示：恢复网络": "Demo: plug network back",
    "最近签到": "Recent check-ins",
    "%1–%2  %3  培训师 %4  %5": "%1–%2  %3  trainer %4  %5",
    "已签到 %1 / 报名 %2 / 容量 %3": "Checked in %1 / registered %2 / capacity %3",
    "（临时 %1）": "(walk-ins %1)",
    # -- sync badge --
    "◌ 未连接平台": "◌ Not connected to the platform",
    "✖ 终端已停用": "✖ Kiosk disabled",
    "✖ 离线": "✖ Offline",
    "● 在线": "● Online",
    "◌ 尚未同步": "◌ Not synced yet",
    "待上传 %1": "%1 to upload",
    "被拒收 %1": "%1 parked",
    "上次同步 %1": "last sync %1",
    "⚠ 时钟偏差大": "⚠ Clock is off",
    # -- held-back corrections (kiosk/ui/staff/held_back.py) --
    "家长编号 %1 不存在：请核对后在平台补录。":
        "Parent number %1 does not exist: check it, then add the parent on the platform.",
    "家长编号 %1 未报名本课，超过现场补录人数上限：如确实到场，请在平台补录。":
        "Parent number %1 is not registered and the class's walk-in limit was reached: if they "
        "attended, add them on the platform.",
    "签到记录 %1 平台尚未收到，未能删除：请先同步，再在平台删除。":
        "Check-in %1 has not reached the platform, so it was not removed: sync first, then "
        "remove it on the platform.",
    "签到记录 %1 不属于本课，未作更改：请在平台核对。":
        "Check-in %1 is not of this class; nothing was changed: check it on the platform.",
    "平台未处理这项更正（%1）：请联系站点管理员。":
        "The platform did not apply this correction (%1): please call the site admin.",
    "其余学员的积分已发放；以下 %1 项更正平台未处理：":
        "Everyone else's credits were released; the platform did not apply these %1 corrections:",
    "已签核并锁定，平台已收到，积分已发放；有几项更正平台未处理，见下方。":
        "Signed off and locked; the platform has it and the credits were released. A few "
        "corrections were not applied; see below.",
    "结课更正未处理": "Close-out correction not applied",
    "✘ 平台已停用本机：同步已停止，所有记录都保留在本机。请站点管理员联系平台，重新注册本终端后，记录会自动上报。":
        "✘ The platform has revoked this kiosk: sync has stopped and every record is kept here. "
        "Ask the site admin to contact the platform; once the kiosk is enrolled again, the "
        "records are sent.",
    "U盘": "USB stick",
    # -- USB page (kiosk/ui/staff/usb_panel.py) --
    "没有网络的站点：把待上报的记录和结课导出到U盘，交给平台导入；平台的回执和新的场地数据包拷回U盘后，在这里导入。":
        "For a site without a network: export the unsent records and close-outs to a USB "
        "stick for the platform to import; when the platform's receipt and a new site bundle "
        "are back on the stick, import them here.",
    "从U盘导入": "Import from USB stick",
    "选择U盘": "Choose the USB stick",
    "插着好几个U盘，用哪一个？": "Several USB sticks are plugged in. Which one?",
    "%1（剩余 %2 MB）": "%1 (%2 MB free)",
    "没有找到U盘：请插入U盘，等几秒钟再按一次。":
        "No USB stick found: plug one in, wait a few seconds and press again.",
    "已取消，没有导出或导入。": "Cancelled; nothing was exported or imported.",
    "已把 %1 条待上报记录和 %2 次结课导出到U盘“%3”的文件 %4（被拒收的 %5 条不导出）。请把U盘交给平台导入，再把平台的回执拷回U盘带回来。":
        "Exported %1 unsent records and %2 close-outs to the USB stick \"%3\" as %4 (the %5 "
        "refused ones are not exported). Take the stick to the platform for import, and bring "
        "the platform's receipt back on it.",
    "导入失败：%1": "Import failed: %1",
    "U盘上没有平台的文件（场地数据包或回执），没有导入任何东西。":
        "The stick has no files from the platform (site bundle or receipt); nothing was imported.",
    "已导入场地数据包 %1：%2，%3 个课程，%4 条报名。":
        "Imported the site bundle %1: %2, %3 classes, %4 registrations.",
    "回执 %1 以前已导入过，没有变化。": "The receipt %1 was imported before; nothing changed.",
    "已导入平台回执 %1：确认 %2 条记录、%3 次结课；平台拒收 %4 条记录、%5 次结课（见下方“被拒收”）。":
        "Imported the platform's receipt %1: %2 records and %3 close-outs confirmed; the "
        "platform refused %4 records and %5 close-outs (see the refused list).",
    "%1 是较旧的场地数据包，已跳过。": "%1 is an older site bundle; skipped.",
    "%1 未导入：%2": "%1 was not imported: %2",
    "平台还不认识本机：请在命令行运行 starkiosk device-key，把显示的密钥交给平台管理员登记，再导入新的场地数据包。":
        "The platform does not know this kiosk yet: run starkiosk device-key at the PC, give "
        "the key it shows to the platform admin to register, then import the new site bundle.",
    "无法读取U盘：请拔下重插后再试。": "Cannot read the USB stick: unplug it, plug it in again and retry.",
    "场地数据包文件损坏或格式不对：请向平台重新要一份。":
        "The site bundle is damaged or not a site bundle: ask the platform for a new copy.",
    "场地数据包的签名不对（被改动过，或不是本平台发的）：没有导入。":
        "The site bundle's signature is wrong (changed, or not from this platform): not imported.",
    "本机还不信任任何平台密钥：第一个场地数据包要在命令行用 starkiosk import-bundle 文件 --trust-fingerprint 指纹 导入。":
        "This kiosk trusts no platform key yet: import the first site bundle at the PC with "
        "starkiosk import-bundle FILE --trust-fingerprint FINGERPRINT.",
    "这是较旧的场地数据包：请用平台最新导出的。":
        "This is an older site bundle: use the newest one from the platform.",
    "回执文件损坏或格式不对：请向平台重新要一份。":
        "The receipt is damaged or not a receipt: ask the platform for a new copy.",
    "回执的签名不对（被改动过，或不是本平台发的）：没有导入。":
        "The receipt's signature is wrong (changed, or not from this platform): not imported.",
    "这张回执不是本机导出的文件的回执：没有导入。":
        "This receipt is not for a file this kiosk exported: not imported.",
    # -- touch input on every screen size (issue #15: keypads, surname picker, PIN pad) --
    "选姓": "Surname",
    "继续": "Continue",
    "选择姓氏": "Choose the surname",
    "请点家长的姓": "Touch the parent's surname",
    "上一页": "Previous",
    "下一页": "Next",
    "不限姓": "Any surname",
    "%1 / %2 页": "page %1 / %2",
    "确认": "Confirm",
    "请先用数字键输入密码，再按“确认”。": "Enter the PIN on the number keys first, then press “Confirm”.",
}

# Reason words, result cards, the class picker and the close-out confirmation (issue #15
# items 5–8) live in their own module to keep this one a readable size.
EN.update(EN_REASONS)
