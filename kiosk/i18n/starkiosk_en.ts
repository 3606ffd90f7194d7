<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AdminScreen</name>
    <message>
        <source>状态与管理</source>
        <translation>Status and admin</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>U盘</source>
        <translation>USB stick</translation>
    </message>
    <message>
        <source>平台地址</source>
        <translation>Platform address</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>近距离（手机贴近镜头）</source>
        <translation>Near (phones held close)</translation>
    </message>
    <message>
        <source>自动</source>
        <translation>Automatic</translation>
    </message>
    <message>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>摄像头对焦</source>
        <translation>Camera focus</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>调暗（手机屏幕太亮、扫不出时）</source>
        <translation>Darker (phone screens too bright to read)</translation>
    </message>
    <message>
        <source>调亮（房间太暗时）</source>
        <translation>Brighter (a dark room)</translation>
    </message>
    <message>
        <source>摄像头曝光</source>
        <translation>Camera exposure</translation>
    </message>
    <message>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>音量</source>
        <translation>Volume</translation>
    </message>
    <message>
        <source>全屏展台模式（退出需管理员密码）</source>
        <translation>Full-screen kiosk mode (leaving needs the admin PIN)</translation>
    </message>
    <message>
        <source>展台模式</source>
        <translation>Kiosk mode</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>已上报记录保留</source>
        <translation>Keep uploaded records for</translation>
    </message>
    <message>
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <source>修改管理员密码</source>
        <translation>Change admin PIN</translation>
    </message>
    <message>
        <source>设置培训师密码</source>
        <translation>Set trainer PIN</translation>
    </message>
    <message>
        <source>退出全屏</source>
        <translation>Leave full screen</translation>
    </message>
    <message>
        <source>摄像头 %1：%2</source>
        <translation>Camera %1: %2</translation>
    </message>
    <message>
        <source>摄像头 %1</source>
        <translation>Camera %1</translation>
    </message>
    <message>
        <source>不用摄像头（只用扫码枪）</source>
        <translation>No camera (scanner only)</translation>
    </message>
    <message>
        <source>未注册（只用站点数据包）</source>
        <translation>Not enrolled (site bundle only)</translation>
    </message>
    <message>
        <source>培训师密码：已设置（培训师忘带培训师码时可用，结课会先在本机保留，待扫码确认后上报）</source>
        <translation>Trainer PIN: set (for a trainer without their pass; the close-out stays on this kiosk until the trainer pass confirms it)</translation>
    </message>
    <message>
        <source>培训师密码：未设置（培训师必须扫描培训师码才能结课）</source>
        <translation>Trainer PIN: not set (trainers must scan their trainer pass to close a class)</translation>
    </message>
    <message>
        <source>设置没有保存：%1</source>
        <translation>Settings not saved: %1</translation>
    </message>
    <message>
        <source>设置已保存。语言和摄像头的更改在重新启动后生效。</source>
        <translation>Settings saved. Language and camera changes take effect after a restart.</translation>
    </message>
    <message>
        <source>管理员密码已更改。</source>
        <translation>Admin PIN changed.</translation>
    </message>
    <message>
        <source>培训师密码已设置。</source>
        <translation>Trainer PIN set.</translation>
    </message>
    <message>
        <source>被拒收或待确认的记录（原因）</source>
        <translation>Parked or unconfirmed records (reason)</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>课程</source>
        <translation>Class</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>日志（最近 200 行）</source>
        <translation>Log (last 200 lines)</translation>
    </message>
    <message>
        <source>检查数据库</source>
        <translation>Check database</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>同步：本机未注册（只用站点数据包，可导出到U盘）</source>
        <translation>Sync: this kiosk is not enrolled (site bundle only; export to a USB stick)</translation>
    </message>
    <message>
        <source>同步：在线，上次成功 %1</source>
        <translation>Sync: online, last success %1</translation>
    </message>
    <message>
        <source>同步：离线，上次成功 %1；错误：%2</source>
        <translation>Sync: offline, last success %1; error: %2</translation>
    </message>
    <message>
        <source>同步：尚未同步</source>
        <translation>Sync: not synced yet</translation>
    </message>
    <message>
        <source>记录：待上报 %1 · 已上报 %2 · 被拒收 %3</source>
        <translation>Records: pending %1 · uploaded %2 · parked %3</translation>
    </message>
    <message>
        <source>结课：待上报 %1 · 已上报 %2 · 被拒收或待确认 %3</source>
        <translation>Close-outs: pending %1 · uploaded %2 · parked or unconfirmed %3</translation>
    </message>
    <message>
        <source>⚠ 本机时钟与平台相差较大，请校准时间。</source>
        <translation>⚠ This kiosk&apos;s clock is far from the platform&apos;s; please set the time.</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source>签到</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>签退</source>
        <translation>Check-out</translation>
    </message>
    <message>
        <source>用培训师密码结课，等待扫描培训师码确认</source>
        <translation>Closed with the trainer PIN, waiting for the trainer pass</translation>
    </message>
    <message>
        <source>结课</source>
        <translation>Close-out</translation>
    </message>
    <message>
        <source>✘ 平台已停用本机：同步已停止，所有记录都保留在本机。请站点管理员联系平台，重新注册本终端后，记录会自动上报。</source>
        <translation>✘ The platform has revoked this kiosk: sync has stopped and every record is kept here. Ask the site admin to contact the platform; once the kiosk is enrolled again, the records are sent.</translation>
    </message>
    <message>
        <source>结课更正未处理</source>
        <translation>Close-out correction not applied</translation>
    </message>
    <message>
        <source>数据库检查未通过：%1</source>
        <translation>Database check failed: %1</translation>
    </message>
    <message>
        <source>数据库检查通过。</source>
        <translation>Database check passed.</translation>
    </message>
    <message>
        <source>无法开始同步，详情见日志。</source>
        <translation>Could not start a sync; see the log.</translation>
    </message>
    <message>
        <source>正在同步……完成后请按“刷新”查看结果。</source>
        <translation>Syncing… press “Refresh” to see the result.</translation>
    </message>
</context>
<context>
    <name>ArrivalChart</name>
    <message>
        <source>开课</source>
        <translation>Class starts</translation>
    </message>
</context>
<context>
    <name>ClassPickerScreen</name>
    <message>
        <source>请选择今天的课程</source>
        <translation>Choose today&apos;s class</translation>
    </message>
    <message>
        <source>今天本场地没有课程。请联系场地管理员同步课程，或稍后再试。</source>
        <translation>No classes at this venue today. Ask the site admin to sync the classes, or try later.</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>培训师结课</source>
        <translation>Trainer close-out</translation>
    </message>
    <message>
        <source>开始签到</source>
        <translation>Start check-in</translation>
    </message>
    <message>
        <source>● 进行中</source>
        <translation>● In progress</translation>
    </message>
    <message>
        <source>○ 未开始 · %1 开始</source>
        <translation>○ Not started · starts at %1</translation>
    </message>
    <message>
        <source>■ 已结束</source>
        <translation>■ Ended</translation>
    </message>
    <message>
        <source>■ 已结课</source>
        <translation>■ Closed out</translation>
    </message>
    <message>
        <source>✖ 已取消</source>
        <translation>✖ Cancelled</translation>
    </message>
    <message>
        <source>%1   %2–%3  %4
%5 · 培训师 %6 · 已报名 %7 人</source>
        <translation>%1   %2–%3  %4
%5 · trainer %6 · %7 registered</translation>
    </message>
    <message>
        <source>这门课已结束，不能再签到；培训师可以结课。</source>
        <translation>This class has ended: no more check-ins; the trainer can close it out.</translation>
    </message>
    <message>
        <source>这门课已结课：可查看结课汇总。</source>
        <translation>This class is closed out: its summary can be viewed.</translation>
    </message>
</context>
<context>
    <name>CloseoutScreen</name>
    <message>
        <source>%1–%2 · 培训师 %3 · 已签到 %4 / 报名 %5</source>
        <translation>%1–%2 · trainer %3 · checked in %4 / registered %5</translation>
    </message>
    <message>
        <source>结课签核：%1</source>
        <translation>Close-out: %1</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>忘带培训师码？用培训师密码</source>
        <translation>No trainer pass? Use the trainer PIN</translation>
    </message>
    <message>
        <source>查看结课汇总</source>
        <translation>View the summary</translation>
    </message>
    <message>
        <source>核对名单：%1</source>
        <translation>Review the roster: %1</translation>
    </message>
    <message>
        <source>签核后本课锁定，不能再签到；更正和出勤名单将上报平台发放积分。</source>
        <translation>Signing off locks the class: no more check-ins. Corrections and attendance go to the platform, which awards the credits.</translation>
    </message>
    <message>
        <source>签核结课</source>
        <translation>Sign off the class</translation>
    </message>
    <message>
        <source>本课已结课</source>
        <translation>This class is closed</translation>
    </message>
    <message>
        <source>签到时间分布（每 5 分钟一格，虚线为开课时间）</source>
        <translation>Arrival times (5-minute bars; the dashed line is the start time)</translation>
    </message>
    <message>
        <source>导出签到表（PDF）</source>
        <translation>Export sign-in sheet (PDF)</translation>
    </message>
    <message>
        <source>导出 CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>确认结课</source>
        <translation>Confirm close-out</translation>
    </message>
    <message>
        <source>返回修改</source>
        <translation>Back to corrections</translation>
    </message>
    <message>
        <source>请培训师扫描自己的培训师码（手机上的码或扫码枪均可）。</source>
        <translation>Trainer: please scan your own trainer pass (phone or USB scanner).</translation>
    </message>
    <message>
        <source>本课已用培训师密码签核并锁定。请培训师扫描培训师码，结课信息才会上报平台、发放积分。</source>
        <translation>This class was signed off with the trainer PIN and is locked. The trainer must scan their trainer pass before the close-out goes to the platform and credits are awarded.</translation>
    </message>
    <message>
        <source>正在用培训师密码结课：本课会锁定、更正会记录在本机，但要等培训师扫描培训师码后才会上报平台、发放积分。请在纸质签到表上签字。</source>
        <translation>Closing with the trainer PIN: the class is locked and corrections are kept on this kiosk, but nothing goes to the platform (and no credits are awarded) until the trainer scans their trainer pass. Please sign the paper sign-in sheet.</translation>
    </message>
    <message>
        <source>确认结课：出勤 %1 人，移除 %2 条，补录 %3 人。结课后不能再签到。</source>
        <translation>Confirm close-out: %1 attended, %2 removed, %3 added. No check-ins after the close-out.</translation>
    </message>
    <message>
        <source>培训师码已确认，结课信息已排队上报平台。</source>
        <translation>Trainer pass confirmed; the close-out is queued for the platform.</translation>
    </message>
    <message>
        <source>报名 %1 人 · 出勤 %2 人 · 临时参加 %3 人 · 移除 %4 条 · 补录 %5 人</source>
        <translation>Registered %1 · present %2 · walk-ins %3 · removed %4 · added %5</translation>
    </message>
    <message>
        <source>已用培训师密码签核，本课已锁定。积分要等培训师扫描培训师码后才会上报：现在扫描也可以。请打印签到表，由培训师和站点管理员签字。</source>
        <translation>Signed off with the trainer PIN; the class is locked. Credits are reported only after the trainer scans their trainer pass (scanning now works too). Print the sign-in sheet for the trainer and the site admin to sign.</translation>
    </message>
    <message>
        <source>平台没有接受这次结课：%1。请联系站点管理员。</source>
        <translation>The platform did not accept this close-out: %1. Please contact the site admin.</translation>
    </message>
    <message>
        <source>已签核并锁定，平台已收到，积分已发放；有几项更正平台未处理，见下方。</source>
        <translation>Signed off and locked; the platform has it and the credits were released. A few corrections were not applied; see below.</translation>
    </message>
    <message>
        <source>已签核并锁定，平台已收到，积分已发放。</source>
        <translation>Signed off and locked; the platform has it and the credits are awarded.</translation>
    </message>
    <message>
        <source>已签核并锁定。结课信息已排队，联网后自动上报平台并发放积分。</source>
        <translation>Signed off and locked. The close-out is queued and goes to the platform (and credits are awarded) as soon as the kiosk is online.</translation>
    </message>
    <message>
        <source>无法保存到 %1。请检查U盘后再试。</source>
        <translation>Cannot save to %1. Check the USB stick and try again.</translation>
    </message>
    <message>
        <source>已保存：%1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <source>这是家长码。结课需要培训师本人的培训师码。</source>
        <translation>This is a parent pass. Closing the class needs the trainer&apos;s own trainer pass.</translation>
    </message>
    <message>
        <source>这张培训师码不属于本课的培训师，只有本课的培训师可以结课。</source>
        <translation>This trainer pass is not this class&apos;s trainer; only the class&apos;s trainer can close it.</translation>
    </message>
    <message>
        <source>本课已经结课，不能重复签核。</source>
        <translation>This class is already closed; it cannot be signed off twice.</translation>
    </message>
    <message>
        <source>本机没有这门课程。</source>
        <translation>This class is not on this kiosk.</translation>
    </message>
    <message>
        <source>要移除的签到记录不属于本课，请刷新名单后再试。</source>
        <translation>The record to remove is not from this class; refresh the roster and try again.</translation>
    </message>
    <message>
        <source>要补录的家长已经签到，不需要补录。</source>
        <translation>That parent is already checked in; nothing to add.</translation>
    </message>
    <message>
        <source>每一条更正都需要填写原因。</source>
        <translation>Every correction needs a reason.</translation>
    </message>
    <message>
        <source>本课没有等待培训师码确认的结课。</source>
        <translation>This class has no close-out waiting for a trainer pass.</translation>
    </message>
    <message>
        <source>培训师码不能使用（%1）。请换一张有效的培训师码，或使用培训师密码。</source>
        <translation>This trainer pass cannot be used (%1). Use a valid trainer pass, or the trainer PIN.</translation>
    </message>
    <message>
        <source>无法结课（%1）。</source>
        <translation>Cannot close the class (%1).</translation>
    </message>
</context>
<context>
    <name>CrashScreen</name>
    <message>
        <source>出了点问题，请联系工作人员</source>
        <translation>Something went wrong — please call staff</translation>
    </message>
    <message>
        <source>已签到的记录都已保存。终端马上回到签到界面。</source>
        <translation>Every check-in is saved. The kiosk returns to the scan screen in a moment.</translation>
    </message>
    <message>
        <source>返回签到</source>
        <translation>Back to check-in</translation>
    </message>
</context>
<context>
    <name>FirstRunScreen</name>
    <message>
        <source>欢迎使用星级家长签到终端</source>
        <translation>Welcome to the Star Parent check-in kiosk</translation>
    </message>
    <message>
        <source>首次使用：请输入平台地址和注册码，或用扫码枪扫描平台上的注册二维码。</source>
        <translation>First use: enter the platform address and the enrolment code, or scan the platform&apos;s enrolment QR code with the USB scanner.</translation>
    </message>
    <message>
        <source>平台地址，例如 https://credits.example.gov.cn</source>
        <translation>Platform address, e.g. https://credits.example.gov.cn</translation>
    </message>
    <message>
        <source>注册码，例如 ABCD-EFGH-JKLM</source>
        <translation>Enrolment code, e.g. ABCD-EFGH-JKLM</translation>
    </message>
    <message>
        <source>注册本终端</source>
        <translation>Enrol this kiosk</translation>
    </message>
    <message>
        <source>先看演示</source>
        <translation>Try the demo</translation>
    </message>
    <message>
        <source>平台地址</source>
        <translation>Platform address</translation>
    </message>
    <message>
        <source>注册码</source>
        <translation>Enrolment code</translation>
    </message>
    <message>
        <source>这不是注册二维码。请扫描平台“终端注册”页面上的二维码。</source>
        <translation>This is not an enrolment QR code. Scan the code on the platform&apos;s “kiosk enrolment” page.</translation>
    </message>
    <message>
        <source>请填写平台地址和注册码。</source>
        <translation>Please fill in the platform address and the enrolment code.</translation>
    </message>
    <message>
        <source>正在注册并下载课程…</source>
        <translation>Enrolling and downloading the classes…</translation>
    </message>
    <message>
        <source>注册成功：%1</source>
        <translation>Enrolled: %1</translation>
    </message>
    <message>
        <source>注册码无效，请向平台管理员索取新的注册码。</source>
        <translation>This enrolment code is not valid; ask the platform admin for a new one.</translation>
    </message>
    <message>
        <source>这个注册码已经用过了，每个注册码只能注册一台终端。</source>
        <translation>This enrolment code was already used; each code enrols one kiosk.</translation>
    </message>
    <message>
        <source>注册码已过期，请向平台管理员索取新的注册码。</source>
        <translation>This enrolment code has expired; ask the platform admin for a new one.</translation>
    </message>
    <message>
        <source>平台地址应以 https:// 开头。</source>
        <translation>The platform address should start with https://.</translation>
    </message>
    <message>
        <source>平台地址必须以 https:// 开头：用 http:// 时，注册码和终端凭据会以明文在网络上传送。请向平台管理员确认 https:// 地址。</source>
        <translation>The platform address must start with https://: over http:// the enrolment code and the kiosk&apos;s token would cross the network in clear text. Ask the platform admin for the https:// address.</translation>
    </message>
    <message>
        <source>尝试次数太多，请稍后再试。</source>
        <translation>Too many attempts; please try again later.</translation>
    </message>
    <message>
        <source>无法连接平台，请检查网络和平台地址。（%1）</source>
        <translation>Cannot reach the platform; check the network and the address. (%1)</translation>
    </message>
</context>
<context>
    <name>HeldBack</name>
    <message>
        <source>家长编号 %1 不存在：请核对后在平台补录。</source>
        <translation>Parent number %1 does not exist: check it, then add the parent on the platform.</translation>
    </message>
    <message>
        <source>家长编号 %1 未报名本课，超过现场补录人数上限：如确实到场，请在平台补录。</source>
        <translation>Parent number %1 is not registered and the class&apos;s walk-in limit was reached: if they attended, add them on the platform.</translation>
    </message>
    <message>
        <source>签到记录 %1 平台尚未收到，未能删除：请先同步，再在平台删除。</source>
        <translation>Check-in %1 has not reached the platform, so it was not removed: sync first, then remove it on the platform.</translation>
    </message>
    <message>
        <source>签到记录 %1 不属于本课，未作更改：请在平台核对。</source>
        <translation>Check-in %1 is not of this class; nothing was changed: check it on the platform.</translation>
    </message>
    <message>
        <source>平台未处理这项更正（%1）：请联系站点管理员。</source>
        <translation>The platform did not apply this correction (%1): please call the site admin.</translation>
    </message>
    <message>
        <source>其余学员的积分已发放；以下 %1 项更正平台未处理：</source>
        <translation>Everyone else&apos;s credits were released; the platform did not apply these %1 corrections:</translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <source>志愿者帮助</source>
        <translation>Volunteer help</translation>
    </message>
    <message>
        <source>返回扫码</source>
        <translation>Back to scanning</translation>
    </message>
    <message>
        <source>手机尾号 4 位</source>
        <translation>Last 4 digits of the phone</translation>
    </message>
    <message>
        <source>姓（可选）</source>
        <translation>Surname (optional)</translation>
    </message>
    <message>
        <source>选姓</source>
        <translation>Surname</translation>
    </message>
    <message>
        <source>查找</source>
        <translation>Find</translation>
    </message>
    <message>
        <source>确认签到</source>
        <translation>Confirm check-in</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>忘带手机：按手机尾号查找已报名家长</source>
        <translation>No phone: find a registered parent by the last 4 digits of their phone</translation>
    </message>
    <message>
        <source>家长编号（见执照卡，含最后一位校验码）</source>
        <translation>Parent number (on the licence card, last digit included)</translation>
    </message>
    <message>
        <source>临时参加签到</source>
        <translation>Check in as a walk-in</translation>
    </message>
    <message>
        <source>未报名的家长（临时参加）</source>
        <translation>Parents who did not register (walk-ins)</translation>
    </message>
    <message>
        <source>继续</source>
        <translation>Continue</translation>
    </message>
    <message>
        <source>本课程接受临时参加：请家长在签到屏扫码；忘带手机的，输入家长编号后签到（会标记为临时参加，由培训师确认）。</source>
        <translation>This class takes walk-ins: the parent scans their pass at the kiosk; without a phone, enter their parent number (flagged as a walk-in for the trainer to confirm).</translation>
    </message>
    <message>
        <source>本课程只接受已报名家长，不接受临时参加。请引导家长在平台报名下一期课程。</source>
        <translation>This class takes registered parents only, no walk-ins. Please help the parent register for the next class on the platform.</translation>
    </message>
    <message>
        <source>输入手机尾号后点“查找”。</source>
        <translation>Enter the last 4 phone digits, then press “Find”.</translation>
    </message>
    <message>
        <source>请输入手机号码的后 4 位数字。</source>
        <translation>Please enter the last 4 digits of the phone number.</translation>
    </message>
    <message>
        <source>正在查找…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>没有找到报名本课程、手机尾号相符的家长。请核对号码，或按临时参加处理。</source>
        <translation>No registered parent of this class has these phone digits. Check the number, or treat them as a walk-in.</translation>
    </message>
    <message>
        <source>找到 %1 位家长，请核对姓名后点选（也可输入姓缩小范围）。</source>
        <translation>%1 parents found: check the name and tap one (or enter the surname to narrow it down).</translation>
    </message>
    <message>
        <source>请点选要签到的家长：</source>
        <translation>Tap the parent to check in:</translation>
    </message>
    <message>
        <source>%1   第%2阶段 %3</source>
        <translation>%1   stage %2 %3</translation>
    </message>
    <message>
        <source>为 %1 人工签到？</source>
        <translation>Check in %1 manually?</translation>
    </message>
    <message>
        <source>请输入家长编号（执照卡上的数字）。</source>
        <translation>Please enter the parent number (the digits on the licence card).</translation>
    </message>
    <message>
        <source>正在核对编号…</source>
        <translation>Checking the number…</translation>
    </message>
    <message>
        <source>编号有误，请核对</source>
        <translation>Number is wrong, please check it</translation>
    </message>
    <message>
        <source>请核对姓名后确认：</source>
        <translation>Check the name, then confirm:</translation>
    </message>
    <message>
        <source>编号 %1：%2   第%3阶段 %4 — 确认签到？</source>
        <translation>Number %1: %2   stage %3 %4 — check in?</translation>
    </message>
    <message>
        <source>请与家长核对编号。</source>
        <translation>Check the number with the parent.</translation>
    </message>
    <message>
        <source>本终端没有这位家长的资料，确定按编号 %1 签到？</source>
        <translation>This kiosk has no details of this parent. Check in by number %1 anyway?</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>星级家长 签到终端</source>
        <translation>Star Parent check-in kiosk</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>密码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>退格</source>
        <translation>Backspace</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请输入管理员密码</source>
        <translation>Enter the admin PIN</translation>
    </message>
    <message>
        <source>请输入培训师密码</source>
        <translation>Enter the trainer PIN</translation>
    </message>
    <message>
        <source>请输入新的管理员密码（6–8 位数字）</source>
        <translation>Enter a new admin PIN (6–8 digits)</translation>
    </message>
    <message>
        <source>请输入新的培训师密码（6–8 位数字）</source>
        <translation>Enter a new trainer PIN (6–8 digits)</translation>
    </message>
    <message>
        <source>密码需要 6–8 位数字。</source>
        <translation>The PIN needs 6–8 digits.</translation>
    </message>
    <message>
        <source>请再输入一次新密码</source>
        <translation>Enter the new PIN again</translation>
    </message>
    <message>
        <source>确认</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>本机的管理员密码设置已丢失，任何密码都不能打开。请管理员在这台电脑上运行 starkiosk reset-admin-pin 重新设置密码。</source>
        <translation>This kiosk&apos;s admin PIN setting was lost, so no PIN opens it. An administrator must run starkiosk reset-admin-pin on this PC to set a new one.</translation>
    </message>
    <message>
        <source>密码错误次数太多，请 %1 秒后再试。</source>
        <translation>Too many wrong PINs; try again in %1 seconds.</translation>
    </message>
    <message>
        <source>请先用数字键输入密码，再按“确认”。</source>
        <translation>Enter the PIN on the number keys first, then press “Confirm”.</translation>
    </message>
    <message>
        <source>这是出厂默认密码，请现在设置新的管理员密码。</source>
        <translation>This is the factory default PIN; set a new admin PIN now.</translation>
    </message>
    <message>
        <source>管理员密码现在至少要 6 位数字，请现在设置新的管理员密码。</source>
        <translation>The admin PIN now needs at least 6 digits; set a new admin PIN now.</translation>
    </message>
    <message>
        <source>密码不对，还可以再试 %1 次。</source>
        <translation>Wrong PIN; %1 tries left.</translation>
    </message>
    <message>
        <source>不能使用出厂默认密码，请换一个。</source>
        <translation>The factory default PIN cannot be used; choose another.</translation>
    </message>
    <message>
        <source>密码太简单（数字全部相同），请换一个。</source>
        <translation>PIN too simple (all digits the same); choose another.</translation>
    </message>
    <message>
        <source>两次输入的密码不一样，请重新设置。</source>
        <translation>The two PINs differ; please set it again.</translation>
    </message>
    <message>
        <source>没有培训师密码</source>
        <translation>No trainer PIN</translation>
    </message>
    <message>
        <source>本机还没有设置培训师密码。请扫描培训师码，或请站点管理员在管理页设置密码。</source>
        <translation>No trainer PIN is set on this kiosk. Scan the trainer pass, or ask the site admin to set a PIN on the admin screen.</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>更正原因</source>
        <translation>Reason for the correction</translation>
    </message>
    <message>
        <source>移除 %1 的签到记录，原因是：</source>
        <translation>Remove %1&apos;s check-in because:</translation>
    </message>
    <message>
        <source>为 %1 补录出勤，原因是：</source>
        <translation>Add %1&apos;s attendance because:</translation>
    </message>
    <message>
        <source>扫错了人</source>
        <translation>Wrong person scanned</translation>
    </message>
    <message>
        <source>家长未参加课程</source>
        <translation>The parent did not attend</translation>
    </message>
    <message>
        <source>重复登记</source>
        <translation>Recorded twice</translation>
    </message>
    <message>
        <source>忘带手机，培训师确认在场</source>
        <translation>No phone; the trainer confirms they attended</translation>
    </message>
    <message>
        <source>扫码失败，培训师确认在场</source>
        <translation>The scan failed; the trainer confirms they attended</translation>
    </message>
    <message>
        <source>代为签到的家属，培训师确认</source>
        <translation>A family member checked in for them; the trainer confirms</translation>
    </message>
    <message>
        <source>或在这里输入原因</source>
        <translation>or type the reason here</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>签到成功</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <source>临时参加，已签到</source>
        <translation>Walk-in, checked in</translation>
    </message>
    <message>
        <source>签退成功</source>
        <translation>Checked out</translation>
    </message>
    <message>
        <source>已签过到</source>
        <translation>Already checked in</translation>
    </message>
    <message>
        <source>已签退</source>
        <translation>Already checked out</translation>
    </message>
    <message>
        <source>未报名本课</source>
        <translation>Not registered for this class</translation>
    </message>
    <message>
        <source>课程已满员</source>
        <translation>The class is full</translation>
    </message>
    <message>
        <source>本课尚未开始</source>
        <translation>The class has not started</translation>
    </message>
    <message>
        <source>本课已结束签到</source>
        <translation>Check-in for this class is closed</translation>
    </message>
    <message>
        <source>本课已取消</source>
        <translation>This class was cancelled</translation>
    </message>
    <message>
        <source>码已过期</source>
        <translation>Pass expired</translation>
    </message>
    <message>
        <source>码尚未生效</source>
        <translation>Pass not valid yet</translation>
    </message>
    <message>
        <source>码已作废</source>
        <translation>Pass cancelled</translation>
    </message>
    <message>
        <source>不是本平台的码</source>
        <translation>Not a pass from this platform</translation>
    </message>
    <message>
        <source>码校验失败</source>
        <translation>Pass failed its security check</translation>
    </message>
    <message>
        <source>这是培训师码</source>
        <translation>This is a trainer pass</translation>
    </message>
    <message>
        <source>无法识别此码</source>
        <translation>Code not recognised</translation>
    </message>
    <message>
        <source>本机时钟不对</source>
        <translation>This kiosk&apos;s clock is wrong</translation>
    </message>
    <message>
        <source>平台没有这门课程</source>
        <translation>The platform has no such class</translation>
    </message>
    <message>
        <source>课程不属于本场地</source>
        <translation>The class belongs to another venue</translation>
    </message>
    <message>
        <source>平台没有这位家长</source>
        <translation>The platform has no such parent</translation>
    </message>
    <message>
        <source>平台没有发过这张码</source>
        <translation>The platform never issued this pass</translation>
    </message>
    <message>
        <source>这张码属于另一位家长</source>
        <translation>This pass belongs to another parent</translation>
    </message>
    <message>
        <source>签到时间不在上课时间内</source>
        <translation>Checked in outside the class time</translation>
    </message>
    <message>
        <source>记录编号与另一条记录冲突</source>
        <translation>The record id clashes with another record</translation>
    </message>
    <message>
        <source>平台已有这条签到</source>
        <translation>The platform already has this check-in</translation>
    </message>
    <message>
        <source>平台已收到过这条记录</source>
        <translation>The platform already received this record</translation>
    </message>
    <message>
        <source>平台拒收</source>
        <translation>Refused by the platform</translation>
    </message>
    <message>
        <source>本机记录有误，无法上报</source>
        <translation>The record on this kiosk is faulty and cannot be sent</translation>
    </message>
    <message>
        <source>无法识别培训师码</source>
        <translation>Trainer pass not recognised</translation>
    </message>
    <message>
        <source>培训师码不是本平台的码</source>
        <translation>The trainer pass is not from this platform</translation>
    </message>
    <message>
        <source>培训师码校验失败</source>
        <translation>The trainer pass failed its security check</translation>
    </message>
    <message>
        <source>培训师码已作废</source>
        <translation>The trainer pass was cancelled</translation>
    </message>
    <message>
        <source>培训师码已过期</source>
        <translation>The trainer pass has expired</translation>
    </message>
    <message>
        <source>培训师码尚未生效</source>
        <translation>The trainer pass is not valid yet</translation>
    </message>
    <message>
        <source>这不是培训师码</source>
        <translation>This is not a trainer pass</translation>
    </message>
    <message>
        <source>培训师码与结课信息不符</source>
        <translation>The trainer pass does not match the close-out</translation>
    </message>
    <message>
        <source>平台没有这位培训师</source>
        <translation>The platform has no such trainer</translation>
    </message>
    <message>
        <source>这位培训师未获授权</source>
        <translation>This trainer is not authorised</translation>
    </message>
    <message>
        <source>不是本课的培训师</source>
        <translation>Not this class&apos;s trainer</translation>
    </message>
    <message>
        <source>课程还没开始，不能结课</source>
        <translation>The class has not started; it cannot be closed yet</translation>
    </message>
    <message>
        <source>本课已经结课</source>
        <translation>This class was already closed</translation>
    </message>
    <message>
        <source>结课编号重复</source>
        <translation>The close-out id was used before</translation>
    </message>
    <message>
        <source>签到记录不属于本课</source>
        <translation>The check-in is not from this class</translation>
    </message>
    <message>
        <source>家长已签到，不需补录</source>
        <translation>The parent is already checked in; nothing to add</translation>
    </message>
    <message>
        <source>更正需要填写原因</source>
        <translation>Each correction needs a reason</translation>
    </message>
    <message>
        <source>没有等待确认的结课</source>
        <translation>No close-out is waiting for confirmation</translation>
    </message>
    <message>
        <source>等待培训师扫码确认</source>
        <translation>Waiting for the trainer&apos;s pass</translation>
    </message>
    <message>
        <source>已经删除过</source>
        <translation>Already removed</translation>
    </message>
    <message>
        <source>上报时已被平台拒收</source>
        <translation>Refused by the platform when it was sent</translation>
    </message>
    <message>
        <source>不属于本课</source>
        <translation>Not from this class</translation>
    </message>
    <message>
        <source>平台尚未收到</source>
        <translation>Not received by the platform yet</translation>
    </message>
    <message>
        <source>超过现场补录人数上限</source>
        <translation>Over the class&apos;s walk-in limit</translation>
    </message>
    <message>
        <source>平台没有这个场地</source>
        <translation>The platform has no such venue</translation>
    </message>
    <message>
        <source>注册码无效</source>
        <translation>Enrolment code not valid</translation>
    </message>
    <message>
        <source>注册码已用过</source>
        <translation>Enrolment code already used</translation>
    </message>
    <message>
        <source>注册码已过期</source>
        <translation>Enrolment code expired</translation>
    </message>
    <message>
        <source>平台不认识本终端，请重新注册</source>
        <translation>The platform does not know this kiosk; enrol it again</translation>
    </message>
    <message>
        <source>本终端已被平台停用</source>
        <translation>The platform has disabled this kiosk</translation>
    </message>
    <message>
        <source>平台没有这台终端</source>
        <translation>The platform has no such kiosk</translation>
    </message>
    <message>
        <source>这个密钥已经登记过</source>
        <translation>This key is already registered</translation>
    </message>
    <message>
        <source>平台无法处理这个请求（可能需要更新软件）</source>
        <translation>The platform cannot handle this request (the software may need an update)</translation>
    </message>
    <message>
        <source>同步位置无效，将重新下载</source>
        <translation>Sync position not valid; downloading again</translation>
    </message>
    <message>
        <source>请求太频繁，稍后自动重试</source>
        <translation>Too many requests; retrying shortly</translation>
    </message>
    <message>
        <source>平台出错，稍后自动重试</source>
        <translation>Platform error; retrying shortly</translation>
    </message>
    <message>
        <source>平台返回错误</source>
        <translation>The platform answered with an error</translation>
    </message>
    <message>
        <source>平台地址不对</source>
        <translation>Platform address not valid</translation>
    </message>
    <message>
        <source>平台地址必须以 https:// 开头</source>
        <translation>The platform address must start with https://</translation>
    </message>
    <message>
        <source>网络不通，无法连接平台</source>
        <translation>No network; cannot reach the platform</translation>
    </message>
    <message>
        <source>本机未注册平台</source>
        <translation>This kiosk is not enrolled</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>文件没有签名</source>
        <translation>The file is not signed</translation>
    </message>
    <message>
        <source>文件已损坏</source>
        <translation>The file is damaged</translation>
    </message>
    <message>
        <source>终端不属于这个场地</source>
        <translation>The kiosk belongs to another venue</translation>
    </message>
    <message>
        <source>签名密钥不对</source>
        <translation>Signed with the wrong key</translation>
    </message>
    <message>
        <source>缺少签核时间</source>
        <translation>The sign-off time is missing</translation>
    </message>
    <message>
        <source>本机时钟不对（签核时间晚于导入）</source>
        <translation>The kiosk&apos;s clock is wrong (signed after the import)</translation>
    </message>
    <message>
        <source>签核时间晚于导出时间</source>
        <translation>Signed after the file was exported</translation>
    </message>
    <message>
        <source>本机没有这门课程</source>
        <translation>This kiosk has no such class</translation>
    </message>
    <message>
        <source>编号与手机尾号不符</source>
        <translation>The number does not match the phone digits</translation>
    </message>
    <message>
        <source>编号有误，请核对</source>
        <translation>Number is wrong, please check it</translation>
    </message>
    <message>
        <source>本机没有这位家长的资料</source>
        <translation>This kiosk has no details of this parent</translation>
    </message>
    <message>
        <source>场地数据包无法读取</source>
        <translation>The site bundle cannot be read</translation>
    </message>
    <message>
        <source>场地数据包的签名不可信</source>
        <translation>The site bundle&apos;s signature is not trusted</translation>
    </message>
    <message>
        <source>本机还不信任任何平台密钥</source>
        <translation>This kiosk trusts no platform key yet</translation>
    </message>
    <message>
        <source>场地数据包比现有的旧</source>
        <translation>The site bundle is older than the one in use</translation>
    </message>
    <message>
        <source>回执无法读取</source>
        <translation>The receipt cannot be read</translation>
    </message>
    <message>
        <source>回执的签名不可信</source>
        <translation>The receipt&apos;s signature is not trusted</translation>
    </message>
    <message>
        <source>不是本机导出文件的回执</source>
        <translation>Not a receipt for this kiosk&apos;s export</translation>
    </message>
    <message>
        <source>本机还没有场地资料</source>
        <translation>This kiosk has no venue yet</translation>
    </message>
    <message>
        <source>无法写入（U盘已满、只读或已拔出）</source>
        <translation>Cannot write (the stick is full, read-only or gone)</translation>
    </message>
    <message>
        <source>无法读取U盘</source>
        <translation>Cannot read the USB stick</translation>
    </message>
    <message>
        <source>注册失败</source>
        <translation>Enrolment failed</translation>
    </message>
    <message>
        <source>结课被拒绝</source>
        <translation>Close-out refused</translation>
    </message>
    <message>
        <source>编号校验位不对</source>
        <translation>Wrong check digit</translation>
    </message>
    <message>
        <source>编号不是数字</source>
        <translation>The number is not a number</translation>
    </message>
    <message>
        <source>编号超出范围</source>
        <translation>The number is out of range</translation>
    </message>
    <message>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>文件类型不对</source>
        <translation>Wrong kind of file</translation>
    </message>
    <message>
        <source>密钥指纹不符</source>
        <translation>The key fingerprint does not match</translation>
    </message>
    <message>
        <source>不是本机导出的文件</source>
        <translation>Not a file this kiosk exported</translation>
    </message>
    <message>
        <source>属于另一台终端</source>
        <translation>Belongs to another kiosk</translation>
    </message>
    <message>
        <source>平台还不认识本机</source>
        <translation>The platform does not know this kiosk yet</translation>
    </message>
    <message>
        <source>无法连接平台（可能没有联网）</source>
        <translation>Cannot reach the platform (offline?)</translation>
    </message>
    <message>
        <source>平台没有及时回应</source>
        <translation>The platform did not answer in time</translation>
    </message>
    <message>
        <source>网络出错</source>
        <translation>Network error</translation>
    </message>
    <message>
        <source>安全连接失败（请检查本机时间）</source>
        <translation>Secure connection failed (check this kiosk&apos;s clock)</translation>
    </message>
    <message>
        <source>平台的回复本机无法识别（可能需要更新软件）</source>
        <translation>This kiosk does not understand the platform&apos;s answer (the software may need an update)</translation>
    </message>
    <message>
        <source>平台拒绝了本终端（已停用或未注册）</source>
        <translation>The platform refused this kiosk (disabled or not enrolled)</translation>
    </message>
    <message>
        <source>其他原因（%1）</source>
        <translation>Other reason (%1)</translation>
    </message>
</context>
<context>
    <name>ResultCard</name>
    <message>
        <source>第%1阶段 · 已获%2</source>
        <translation>Stage %1 · earned %2</translation>
    </message>
    <message>
        <source>第%1阶段</source>
        <translation>Stage %1</translation>
    </message>
    <message>
        <source>临时参加</source>
        <translation>Walk-in</translation>
    </message>
    <message>
        <source>签到成功</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <source>临时参加，已签到</source>
        <translation>Walk-in, checked in</translation>
    </message>
    <message>
        <source>签退成功</source>
        <translation>Checked out</translation>
    </message>
    <message>
        <source>已于 %1 签到</source>
        <translation>Checked in at %1 already</translation>
    </message>
    <message>
        <source>已于 %1 签退</source>
        <translation>Checked out at %1 already</translation>
    </message>
    <message>
        <source>本课尚未开始 · %1 开始</source>
        <translation>Not started yet · starts at %1</translation>
    </message>
    <message>
        <source>尚未开放签到 · %1 开放</source>
        <translation>Check-in not open yet · opens at %1</translation>
    </message>
    <message>
        <source>%1 开放签到，请到时再扫码。</source>
        <translation>Check-in opens at %1; please scan again then.</translation>
    </message>
    <message>
        <source>欢迎参加本次课程。</source>
        <translation>Checked in. Welcome to the class.</translation>
    </message>
    <message>
        <source>未报名本课，已记为临时参加，由培训师确认。</source>
        <translation>Not registered: recorded as a walk-in; the trainer will confirm.</translation>
    </message>
    <message>
        <source>感谢参加。</source>
        <translation>Thank you for attending.</translation>
    </message>
    <message>
        <source>无需重复扫码，请直接入场。</source>
        <translation>No need to scan again; please go in.</translation>
    </message>
    <message>
        <source>无需重复扫码。</source>
        <translation>No need to scan again.</translation>
    </message>
    <message>
        <source>本课不接受临时参加。请找志愿者。</source>
        <translation>This class takes no walk-ins. Please see a volunteer.</translation>
    </message>
    <message>
        <source>课程已满员，不能临时加入。请找志愿者。</source>
        <translation>The class is full; no walk-ins. Please see a volunteer.</translation>
    </message>
    <message>
        <source>本课已不能签到。请找志愿者或培训师。</source>
        <translation>Check-in for this class is over. Please see a volunteer or the trainer.</translation>
    </message>
    <message>
        <source>请找志愿者了解改期安排。</source>
        <translation>Please ask a volunteer about the new date.</translation>
    </message>
    <message>
        <source>请在手机上刷新后重新出示，或找志愿者。</source>
        <translation>Refresh the pass on your phone and show it again, or see a volunteer.</translation>
    </message>
    <message>
        <source>请检查手机的时间，或找志愿者。</source>
        <translation>Check the phone&apos;s clock, or see a volunteer.</translation>
    </message>
    <message>
        <source>可能已补办新码：请出示最新的码，或找志愿者。</source>
        <translation>A new pass may have been issued: show your latest pass, or see a volunteer.</translation>
    </message>
    <message>
        <source>请出示星级家长平台发的码，或找志愿者。</source>
        <translation>Show a pass from the Star Parent platform, or see a volunteer.</translation>
    </message>
    <message>
        <source>此码可能被修改过。请找志愿者。</source>
        <translation>This code may have been altered. Please see a volunteer.</translation>
    </message>
    <message>
        <source>培训师码请在结课时使用。家长请出示星级家长码。</source>
        <translation>Trainer passes are for closing the class. Parents, please show your parent pass.</translation>
    </message>
    <message>
        <source>请出示星级家长码；仍不行请找志愿者。</source>
        <translation>Show your Star Parent pass; if it still fails, see a volunteer.</translation>
    </message>
    <message>
        <source>暂时无法签到。请找工作人员校准本机时间。</source>
        <translation>Check-in is not possible now. Please ask staff to set this kiosk&apos;s clock.</translation>
    </message>
    <message>
        <source>%1 · 已有 %2 分</source>
        <translation>%1 · %2 credits so far</translation>
    </message>
    <message>
        <source>本课 +%1 分</source>
        <translation>this class +%1</translation>
    </message>
    <message>
        <source>志愿者处理后，点一下卡片关闭</source>
        <translation>Volunteer: touch the card to close it when done</translation>
    </message>
    <message>
        <source>请出示星级家长码</source>
        <translation>Please show your Star Parent pass</translation>
    </message>
</context>
<context>
    <name>RosterReview</name>
    <message>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>手机尾号</source>
        <translation>Phone (last 4)</translation>
    </message>
    <message>
        <source>签到时间</source>
        <translation>Checked in</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>更正</source>
        <translation>Correction</translation>
    </message>
    <message>
        <source>移除所选记录</source>
        <translation>Remove the selected record</translation>
    </message>
    <message>
        <source>为所选家长补录</source>
        <translation>Add the selected parent</translation>
    </message>
    <message>
        <source>撤销更正</source>
        <translation>Undo correction</translation>
    </message>
    <message>
        <source>✔ 已签到</source>
        <translation>✔ present</translation>
    </message>
    <message>
        <source>△ 迟到</source>
        <translation>△ late</translation>
    </message>
    <message>
        <source>★ 临时参加</source>
        <translation>★ walk-in</translation>
    </message>
    <message>
        <source>— 未到</source>
        <translation>— absent</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>扫码枪</source>
        <translation>scanner</translation>
    </message>
    <message>
        <source>人工</source>
        <translation>manual</translation>
    </message>
    <message>
        <source>✘ 将移除：%1</source>
        <translation>✘ to remove: %1</translation>
    </message>
    <message>
        <source>＋ 将补录：%1</source>
        <translation>＋ to add: %1</translation>
    </message>
    <message>
        <source>出勤 %1 人（其中迟到 %2、临时参加 %3）· 未到 %4 · 将移除 %5 · 将补录 %6</source>
        <translation>Present %1 (late %2, walk-ins %3) · absent %4 · to remove %5 · to add %6</translation>
    </message>
</context>
<context>
    <name>ScanScreen</name>
    <message>
        <source>请出示星级家长码</source>
        <translation>Please show your Star Parent pass</translation>
    </message>
    <message>
        <source>把手机上的二维码对准方框，或用扫码枪扫码</source>
        <translation>Hold the QR code on your phone inside the frame, or use the USB scanner</translation>
    </message>
    <message>
        <source>志愿者帮助</source>
        <translation>Volunteer help</translation>
    </message>
    <message>
        <source>培训师结课</source>
        <translation>Trainer close-out</translation>
    </message>
    <message>
        <source>换课程</source>
        <translation>Change class</translation>
    </message>
    <message>
        <source>管理</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>演示：断开网络</source>
        <translation>Demo: unplug network</translation>
    </message>
    <message>
        <source>最近签到</source>
        <translation>Recent check-ins</translation>
    </message>
    <message>
        <source>%1–%2  %3  培训师 %4  %5</source>
        <translation>%1–%2  %3  trainer %4  %5</translation>
    </message>
    <message>
        <source>请靠近一点</source>
        <translation>Please come a little closer</translation>
    </message>
    <message>
        <source>请拿稳</source>
        <translation>Please hold it still</translation>
    </message>
    <message>
        <source>请调亮屏幕</source>
        <translation>Please turn your screen brighter</translation>
    </message>
    <message>
        <source>已签到 %1 / 报名 %2 / 容量 %3</source>
        <translation>Checked in %1 / registered %2 / capacity %3</translation>
    </message>
    <message>
        <source>（临时 %1）</source>
        <translation>(walk-ins %1)</translation>
    </message>
    <message>
        <source>演示：恢复网络</source>
        <translation>Demo: plug network back</translation>
    </message>
</context>
<context>
    <name>SurnamePicker</name>
    <message>
        <source>选择姓氏</source>
        <translation>Choose the surname</translation>
    </message>
    <message>
        <source>请点家长的姓</source>
        <translation>Touch the parent&apos;s surname</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>不限姓</source>
        <translation>Any surname</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>%1 / %2 页</source>
        <translation>page %1 / %2</translation>
    </message>
</context>
<context>
    <name>SyncBadge</name>
    <message>
        <source>从未</source>
        <translation>never</translation>
    </message>
    <message>
        <source>◌ 未连接平台</source>
        <translation>◌ Not connected to the platform</translation>
    </message>
    <message>
        <source>✖ 终端已停用</source>
        <translation>✖ Kiosk disabled</translation>
    </message>
    <message>
        <source>✖ 离线</source>
        <translation>✖ Offline</translation>
    </message>
    <message>
        <source>● 在线</source>
        <translation>● Online</translation>
    </message>
    <message>
        <source>◌ 尚未同步</source>
        <translation>◌ Not synced yet</translation>
    </message>
    <message>
        <source>待上传 %1</source>
        <translation>%1 to upload</translation>
    </message>
    <message>
        <source>被拒收 %1</source>
        <translation>%1 parked</translation>
    </message>
    <message>
        <source>上次同步 %1</source>
        <translation>last sync %1</translation>
    </message>
    <message>
        <source>⚠ 时钟偏差大</source>
        <translation>⚠ Clock is off</translation>
    </message>
</context>
<context>
    <name>UsbPanel</name>
    <message>
        <source>没有网络的站点：把待上报的记录和结课导出到U盘，交给平台导入；平台的回执和新的场地数据包拷回U盘后，在这里导入。</source>
        <translation>For a site without a network: export the unsent records and close-outs to a USB stick for the platform to import; when the platform&apos;s receipt and a new site bundle are back on the stick, import them here.</translation>
    </message>
    <message>
        <source>导出到U盘</source>
        <translation>Export to USB stick</translation>
    </message>
    <message>
        <source>从U盘导入</source>
        <translation>Import from USB stick</translation>
    </message>
    <message>
        <source>选择U盘</source>
        <translation>Choose the USB stick</translation>
    </message>
    <message>
        <source>插着好几个U盘，用哪一个？</source>
        <translation>Several USB sticks are plugged in. Which one?</translation>
    </message>
    <message>
        <source>%1（剩余 %2 MB）</source>
        <translation>%1 (%2 MB free)</translation>
    </message>
    <message>
        <source>没有找到U盘：请插入U盘，等几秒钟再按一次。</source>
        <translation>No USB stick found: plug one in, wait a few seconds and press again.</translation>
    </message>
    <message>
        <source>已取消，没有导出或导入。</source>
        <translation>Cancelled; nothing was exported or imported.</translation>
    </message>
    <message>
        <source>导出失败：%1</source>
        <translation>Export failed: %1</translation>
    </message>
    <message>
        <source>已把 %1 条待上报记录和 %2 次结课导出到U盘“%3”的文件 %4（被拒收的 %5 条不导出）。请把U盘交给平台导入，再把平台的回执拷回U盘带回来。</source>
        <translation>Exported %1 unsent records and %2 close-outs to the USB stick &quot;%3&quot; as %4 (the %5 refused ones are not exported). Take the stick to the platform for import, and bring the platform&apos;s receipt back on it.</translation>
    </message>
    <message>
        <source>导入失败：%1</source>
        <translation>Import failed: %1</translation>
    </message>
    <message>
        <source>U盘上没有平台的文件（场地数据包或回执），没有导入任何东西。</source>
        <translation>The stick has no files from the platform (site bundle or receipt); nothing was imported.</translation>
    </message>
    <message>
        <source>已导入场地数据包 %1：%2，%3 个课程，%4 条报名。</source>
        <translation>Imported the site bundle %1: %2, %3 classes, %4 registrations.</translation>
    </message>
    <message>
        <source>回执 %1 以前已导入过，没有变化。</source>
        <translation>The receipt %1 was imported before; nothing changed.</translation>
    </message>
    <message>
        <source>已导入平台回执 %1：确认 %2 条记录、%3 次结课；平台拒收 %4 条记录、%5 次结课（见下方“被拒收”）。</source>
        <translation>Imported the platform&apos;s receipt %1: %2 records and %3 close-outs confirmed; the platform refused %4 records and %5 close-outs (see the refused list).</translation>
    </message>
    <message>
        <source>%1 是较旧的场地数据包，已跳过。</source>
        <translation>%1 is an older site bundle; skipped.</translation>
    </message>
    <message>
        <source>%1 未导入：%2</source>
        <translation>%1 was not imported: %2</translation>
    </message>
    <message>
        <source>本机还没有场地数据：请先导入场地数据包或注册本终端。</source>
        <translation>This kiosk has no venue yet: import a site bundle or enrol it first.</translation>
    </message>
    <message>
        <source>平台还不认识本机：请在命令行运行 starkiosk device-key，把显示的密钥交给平台管理员登记，再导入新的场地数据包。</source>
        <translation>The platform does not know this kiosk yet: run starkiosk device-key at the PC, give the key it shows to the platform admin to register, then import the new site bundle.</translation>
    </message>
    <message>
        <source>无法写入文件：请检查U盘是否插好、是否还有空间。</source>
        <translation>Cannot write the file: check that the USB stick is in and has room.</translation>
    </message>
    <message>
        <source>无法读取U盘：请拔下重插后再试。</source>
        <translation>Cannot read the USB stick: unplug it, plug it in again and retry.</translation>
    </message>
    <message>
        <source>场地数据包文件损坏或格式不对：请向平台重新要一份。</source>
        <translation>The site bundle is damaged or not a site bundle: ask the platform for a new copy.</translation>
    </message>
    <message>
        <source>场地数据包的签名不对（被改动过，或不是本平台发的）：没有导入。</source>
        <translation>The site bundle&apos;s signature is wrong (changed, or not from this platform): not imported.</translation>
    </message>
    <message>
        <source>本机还不信任任何平台密钥：第一个场地数据包要在命令行用 starkiosk import-bundle 文件 --trust-fingerprint 指纹 导入。</source>
        <translation>This kiosk trusts no platform key yet: import the first site bundle at the PC with starkiosk import-bundle FILE --trust-fingerprint FINGERPRINT.</translation>
    </message>
    <message>
        <source>这是较旧的场地数据包：请用平台最新导出的。</source>
        <translation>This is an older site bundle: use the newest one from the platform.</translation>
    </message>
    <message>
        <source>回执文件损坏或格式不对：请向平台重新要一份。</source>
        <translation>The receipt is damaged or not a receipt: ask the platform for a new copy.</translation>
    </message>
    <message>
        <source>回执的签名不对（被改动过，或不是本平台发的）：没有导入。</source>
        <translation>The receipt&apos;s signature is wrong (changed, or not from this platform): not imported.</translation>
    </message>
    <message>
        <source>这张回执不是本机导出的文件的回执：没有导入。</source>
        <translation>This receipt is not for a file this kiosk exported: not imported.</translation>
    </message>
</context>
</TS>
