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
            <translation>⚠ This kiosk's clock is far from the platform's; please set the time.</translation>
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
            <translation>Choose today's class</translation>
        </message>
        <message>
            <source>今天本场地没有课程。请联系场地管理员同步课程，或稍后再试。</source>
            <translation>No classes at this venue today. Ask the site admin to sync the classes, or try later.</translation>
        </message>
        <message>
            <source>开始签到</source>
            <translation>Start check-in</translation>
        </message>
        <message>
            <source>%1–%2  %3
%4 · 培训师 %5 · 已报名 %6 人</source>
            <translation>%1–%2  %3
%4 · trainer %5 · %6 registered</translation>
        </message>
        <message>
            <source>（已取消）</source>
            <translation>(cancelled)</translation>
        </message>
        <message>
            <source>（已结课）</source>
            <translation>(closed)</translation>
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
            <source>无法识别</source>
            <translation>unreadable</translation>
        </message>
        <message>
            <source>来自其他系统或已停用的密钥</source>
            <translation>from another system or a retired key</translation>
        </message>
        <message>
            <source>签名不对，可能是伪造的</source>
            <translation>bad signature, possibly forged</translation>
        </message>
        <message>
            <source>已作废</source>
            <translation>revoked</translation>
        </message>
        <message>
            <source>已过期</source>
            <translation>expired</translation>
        </message>
        <message>
            <source>尚未生效</source>
            <translation>not valid yet</translation>
        </message>
        <message>
            <source>这是家长码。结课需要培训师本人的培训师码。</source>
            <translation>This is a parent pass. Closing the class needs the trainer's own trainer pass.</translation>
        </message>
        <message>
            <source>这张培训师码不属于本课的培训师，只有本课的培训师可以结课。</source>
            <translation>This trainer pass is not this class's trainer; only the class's trainer can close it.</translation>
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
            <translation>First use: enter the platform address and the enrolment code, or scan the platform's enrolment QR code with the USB scanner.</translation>
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
            <translation>This is not an enrolment QR code. Scan the code on the platform's “kiosk enrolment” page.</translation>
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
            <translation>The platform address must start with https://: over http:// the enrolment code and the kiosk's token would cross the network in clear text. Ask the platform admin for the https:// address.</translation>
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
            <source>确定</source>
            <translation>OK</translation>
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
            <source>本机的管理员密码设置已丢失，任何密码都不能打开。请管理员在这台电脑上运行 starkiosk reset-admin-pin 重新设置密码。</source>
            <translation>This kiosk's admin PIN setting was lost, so no PIN opens it. An administrator must run starkiosk reset-admin-pin on this PC to set a new one.</translation>
        </message>
        <message>
            <source>密码错误次数太多，请 %1 秒后再试。</source>
            <translation>Too many wrong PINs; try again in %1 seconds.</translation>
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
            <translation>Remove %1's check-in because:</translation>
        </message>
        <message>
            <source>为 %1 补录出勤，原因是：</source>
            <translation>Add %1's attendance because:</translation>
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
        <name>ResultCard</name>
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
            <source>未能签到</source>
            <translation>Not checked in</translation>
        </message>
        <message>
            <source>第%1阶段 %2  已有 %3 分</source>
            <translation>Stage %1 %2  %3 credits so far</translation>
        </message>
        <message>
            <source>本课 +%1 分</source>
            <translation>this class +%1</translation>
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
            <translation>For a site without a network: export the unsent records and close-outs to a USB stick for the platform to import; when the platform's receipt and a new site bundle are back on the stick, import them here.</translation>
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
            <translation>Exported %1 unsent records and %2 close-outs to the USB stick "%3" as %4 (the %5 refused ones are not exported). Take the stick to the platform for import, and bring the platform's receipt back on it.</translation>
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
            <translation>Imported the platform's receipt %1: %2 records and %3 close-outs confirmed; the platform refused %4 records and %5 close-outs (see the refused list).</translation>
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
            <translation>The site bundle's signature is wrong (changed, or not from this platform): not imported.</translation>
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
            <translation>The receipt's signature is wrong (changed, or not from this platform): not imported.</translation>
        </message>
        <message>
            <source>这张回执不是本机导出的文件的回执：没有导入。</source>
            <translation>This receipt is not for a file this kiosk exported: not imported.</translation>
        </message>
    </context>
</TS>
