//! The message catalogue: one Chinese and one English text per problem code. `{name}` in a text
//! is filled from the problem's parameters.

use axum::http::StatusCode;
use serde_json::Value;

use super::problem::Language;
use crate::platform::error::Params;

/// `(code, Chinese, English)` for every code the service answers with.
const CATALOGUE: &[(&str, &str, &str)] = &[
    ("service.unavailable", "系统繁忙，请稍后重试", "The service is busy; retry shortly"),
    ("card.password_busy", "该卡同时校验的请求过多，请稍后重试", "Too many checks of this card at once; retry shortly"),
    ("request.control_character", "输入内容含有控制字符", "The text contains a control character"),
    ("request.text_too_long", "输入内容过长", "The text is too long"),
    ("request.malformed_json", "请求体不是合法的 JSON", "The request body is not valid JSON"),
    (
        "request.invalid_body",
        "请求体字段缺失、类型错误或含有未知字段",
        "The request body has a missing, mistyped or unknown field",
    ),
    ("request.unsupported_media_type", "不支持的内容类型", "Unsupported content type"),
    ("request.bad_path", "路径参数无效", "A value in the path is invalid"),
    ("request.bad_query", "查询参数无效", "A query parameter is invalid"),
    ("request.bad_cursor", "分页游标无效", "The paging cursor is invalid"),
    ("request.body_too_large", "请求体过大", "The request body is too large"),
    ("http.not_found", "请求的资源不存在", "No such resource"),
    ("http.method_not_allowed", "该资源不支持此请求方法", "This method is not allowed on this resource"),
    ("http.timeout", "请求处理超时", "The request timed out"),
    ("http.client_error", "请求无效", "The request is invalid"),
    ("internal", "系统内部错误，请稍后重试", "Internal error; please try again later"),
    ("auth.missing_token", "缺少访问令牌", "A bearer token is required"),
    ("auth.invalid_token", "访问令牌无效或已过期", "The bearer token is invalid, expired or revoked"),
    (
        "oauth.not_a_client_token",
        "这是工作人员会话令牌，请通过退出会话结束",
        "This is a staff session token, not a client token",
    ),
    ("staff.not_a_session", "这是渠道令牌，不是工作人员会话", "This is a client token, not a staff session"),
    ("auth.insufficient_scope", "当前渠道或岗位无权办理此业务", "This channel or role may not do this"),
    ("auth.operation_unlisted", "此业务未对令牌开放", "This operation is not open to tokens"),
    ("oauth.invalid_client", "客户端身份验证失败", "Client authentication failed"),
    ("oauth.invalid_scope", "申请的权限范围无效", "The requested scope is invalid"),
    ("oauth.invalid_request", "令牌请求缺少必要参数", "The token request is missing a parameter"),
    ("oauth.unsupported_grant_type", "不支持的授权类型", "Only the client_credentials grant is supported"),
    ("staff.invalid_credentials", "用户名或密码错误", "Wrong username or password"),
    ("staff.locked", "账号因多次登录失败已被锁定，请稍后再试", "The account is locked after repeated failed logins"),
    ("staff.username_taken", "用户名已被使用", "This username is taken"),
    ("staff.username", "用户名格式不正确", "The username is not valid"),
    ("staff.weak_password", "密码强度不足", "The password is too weak"),
    ("client.name", "客户端名称不正确", "The client name is not valid"),
    ("person.not_found", "未找到该参保人", "No such insured person"),
    ("person.id_number_taken", "该身份证号已参保登记", "A person with this ID number is already enrolled"),
    ("person.employer_required", "职工医保参保须填写单位信息", "Employee insurance (310) needs the employer"),
    ("person.employer_not_applicable", "居民医保参保不填写单位信息", "Resident insurance (390) has no employer"),
    ("person.name", "姓名格式不正确", "The name is not valid"),
    ("person.phone", "手机号码格式不正确", "The mobile phone number is not valid"),
    ("person.insurance_type", "险种只能是 310 或 390", "The insurance type is 310 or 390"),
    ("person.employer_name", "单位名称格式不正确", "The employer name is not valid"),
    ("id_number.format", "身份证号应为 18 位", "An ID number has 18 characters"),
    ("id_number.unknown_region", "身份证号的地区码不存在", "The ID number's region code is unknown"),
    ("id_number.impossible_birth_date", "身份证号中的出生日期不存在", "The ID number's birth date does not exist"),
    ("id_number.future_birth_date", "身份证号中的出生日期晚于今天", "The ID number's birth date is in the future"),
    ("id_number.check_digit", "身份证号校验位错误", "The ID number's check digit is wrong"),
    ("region.format", "地区代码应为 6 位数字", "A region code has six digits"),
    ("region.not_zhengzhou", "参保地须为郑州市所辖地区（4101xx）", "The insured region must be in Zhengzhou (4101xx)"),
    ("region.not_elsewhere", "转移地须为郑州市以外的统筹地区", "A transfer goes to or comes from outside Zhengzhou"),
    ("credit_code.format", "统一社会信用代码格式不正确", "The unified social credit code is malformed"),
    ("credit_code.check_character", "统一社会信用代码校验位错误", "The credit code's check character is wrong"),
    ("status.unknown", "参保状态无效", "Unknown insured status"),
    (
        "status.illegal_transition",
        "当前参保状态为「{current_status_label}」，不能变更为「{requested_status_label}」",
        "The person is {current_status} and cannot become {requested_status}",
    ),
    (
        "status.system_only",
        "「{current_status_label}」与「{requested_status_label}」之间的变更由缴费到账自动处理，不能手工办理",
        "{current_status} → {requested_status} follows contributions and cannot be set by hand",
    ),
    ("status.reason_not_allowed", "该变更不接受此原因代码", "This reason code does not justify this change"),
    ("status.reason_text", "请填写 1 至 500 字的变更原因", "Give a reason of 1 to 500 characters"),
    ("status.region_required", "跨统筹地区转移须填写对方地区", "A transfer needs the other region"),
    ("status.region_not_applicable", "此变更不涉及其他统筹地区", "This change names no other region"),
    (
        "person.transferred_out",
        "该参保人已转出本统筹地区，参保记录只读，不能办理此业务",
        "The person has transferred out; their record is read-only",
    ),
    (
        "client.bank_binding",
        "银行渠道须指定所属银行，其他渠道不能指定银行",
        "A bank client names its bank, and only a bank client does",
    ),
    (
        "client.institution_binding",
        "定点医药机构渠道须指定所属机构，其他渠道不能指定机构",
        "An institution client names its institution, and only an institution client does",
    ),
    ("client.unknown_bank", "银行代码不存在", "No such bank"),
    ("client.unknown_institution", "定点医药机构代码不存在", "No such designated institution"),
    ("institution.code", "机构代码须为 2 至 20 位字母或数字", "An institution code has 2 to 20 letters and digits"),
    ("institution.code_taken", "该机构代码已被使用", "An institution with this code exists"),
    (
        "institution.kind",
        "机构类型只能是医院（hospital）或药店（pharmacy）",
        "The institution kind is hospital or pharmacy",
    ),
    ("card.not_found", "未找到该医保卡", "No such card"),
    (
        "card.illegal_transition",
        "医保卡当前状态为「{current_state_label}」，不能办理此业务",
        "The card is {current_state}; this is not possible from there",
    ),
    ("card.usable_card_exists", "该参保人已有一张可使用的医保卡", "The person already has a usable card"),
    ("card.unknown_bank", "发卡银行代码不存在", "No such issuing bank"),
    ("card.not_issuing_bank", "只有该卡的发卡银行可以办理此业务", "Only the card's issuing bank may do this"),
    ("card.branch_code", "网点代码为 1 至 20 位字母、数字或“-”", "A branch code is 1 to 20 letters, digits or '-'"),
    (
        "card.branch_required",
        "银行办理须填写网点代码（1 至 20 位字母、数字或“-”）",
        "A bank names its branch (branch_code)",
    ),
    (
        "card.institution_no_activation",
        "该定点医药机构不提供医保卡激活服务",
        "This designated institution does not offer card activation",
    ),
    ("card.not_collected", "补换的新卡尚未领取，领卡后方可激活", "The replacement card has not been collected yet"),
    ("card.identity_mismatch", "身份证号码、姓名与持卡人不符", "The ID number and name do not match the card holder"),
    (
        "card.minor_needs_guardian",
        "未成年人的医保卡须由父母或监护人持证明材料代办",
        "A minor's card is handled by a parent or guardian with proof",
    ),
    ("card.agent_not_guardian", "只有父母或监护人可以为未成年人代办", "Only a parent or guardian acts for a minor"),
    ("card.agent_is_holder", "代办人不能是持卡人本人", "The holder does not act as their own agent"),
    (
        "card.proof_not_accepted",
        "所出示的证明材料不能证明代办人与持卡人的关系",
        "This document does not prove the agent's relationship to the holder",
    ),
    (
        "card.loss_kind",
        "挂失类型只能是临时挂失（temporary）或正式挂失（formal）",
        "The loss kind is temporary or formal",
    ),
    (
        "card.replacement_reason",
        "补换卡原因只能是遗失（lost）、损坏（damaged）或到期（expired）；已正式挂失的卡只能按遗失补卡",
        "The reason is lost, damaged or expired; a formally lost card is replaced with reason lost",
    ),
    (
        "card.already_replaced",
        "该卡已办理补换卡，新卡卡号为 {replaced_by}",
        "This card was already replaced by {replaced_by}",
    ),
    ("card.not_expiring", "该卡尚未临近有效期，暂不能办理到期换卡", "The card is not close enough to its expiry date"),
    ("card.no_fulfilment", "只有补换的新卡才有制卡、领卡进度", "Only replacement cards go through fulfilment"),
    (
        "card.fulfilment_out_of_order",
        "制卡进度须依次为已申请、已制卡、待领取、已领取，不能跳过或回退",
        "Fulfilment goes ordered, produced, ready_for_collection, collected, one step at a time",
    ),
    ("card.reason_text", "请填写 1 至 500 字的原因", "Give a reason of 1 to 500 characters"),
    (
        "card.not_active",
        "医保卡当前状态为「{current_state_label}」，只有正常状态的卡才能办理此业务",
        "The card is {current_state}; this needs an active card",
    ),
    (
        "card.password_wrong",
        "医保卡密码错误，还可再试 {remaining_attempts} 次",
        "The card password is wrong; {remaining_attempts} attempts left",
    ),
    (
        "card.password_locked",
        "医保卡密码连续输错已被锁定，请持身份证到经办窗口重置密码",
        "The card password is locked after repeated wrong tries; reset it at the service hall",
    ),
    ("card_password.format", "医保卡密码须为 6 位数字", "A card password has exactly six digits"),
    ("card_password.repeated_digit", "密码不能是同一个数字重复", "A card password may not be one digit repeated"),
    (
        "card_password.sequence",
        "密码不能是连续递增或递减的数字",
        "A card password may not be an ascending or descending run",
    ),
    ("card_password.birth_date", "密码不能是持卡人的出生日期", "A card password may not be the holder's birth date"),
    (
        "card_password.id_number_tail",
        "密码不能是身份证号码的后六位",
        "A card password may not be the last six characters of the ID number",
    ),
    (
        "contribution.base_out_of_range",
        "缴费基数超出本年度核定的上下限",
        "The contribution base is outside the announced floor and ceiling",
    ),
    (
        "contribution.base_required",
        "职工医保参保须填写缴费基数",
        "Employee insurance (310) needs the contribution base",
    ),
    (
        "contribution.base_not_applicable",
        "居民医保按年缴费，不适用缴费基数",
        "Residents (390) pay a yearly amount, not from a base",
    ),
    (
        "contribution.not_paying_bank",
        "只有收取该笔缴费的银行可以确认到账",
        "Only the bank that took the payment confirms its arrival",
    ),
    ("contribution.periods", "请填写 1 至 120 个不重复的缴费期", "Name 1 to 120 different periods"),
    (
        "contribution.period_format",
        "职工按月（YYYY-MM）缴费，居民按年（YYYY）缴费",
        "Employees pay months (YYYY-MM), residents years (YYYY)",
    ),
    ("contribution.period_not_due", "该缴费期没有应缴记录", "Nothing is owed for this period"),
    ("contribution.already_paid", "该缴费期已缴费", "This period is already paid"),
    ("contribution.amount", "缴费金额须大于零", "The amount must be positive"),
    ("contribution.amount_mismatch", "缴费金额与应缴金额不符", "The amount is not exactly what the periods owe"),
    ("contribution.paid_at_future", "缴费时间不能晚于当前时间", "The payment time lies in the future"),
    ("contribution.reference", "缴费流水号应为 1 至 64 个字符", "A reference has 1 to 64 characters"),
    ("contribution.channel", "该渠道不能提交此缴费方式", "This client does not post payments of this kind"),
    ("contribution.duplicate_reference", "该缴费流水号已提交过", "This reference was already posted"),
    ("contribution.payment_not_found", "未找到该缴费记录", "No such payment"),
    ("contribution.already_arrived", "该笔缴费已到账", "This payment has already arrived"),
    (
        "contribution.receipt_no",
        "请填写 1 至 64 个字符的银行缴费凭证号",
        "Give the bank receipt number (1 to 64 characters)",
    ),
    (
        "contribution.arrival_not_overdue",
        "缴费未超过 3 个工作日，暂不能办理手工到账",
        "The payment is not yet overdue for manual arrival",
    ),
    ("idempotency.key_required", "请提供 Idempotency-Key 请求头", "Send an Idempotency-Key header"),
    (
        "idempotency.key_format",
        "Idempotency-Key 应为 1 至 128 个可见 ASCII 字符",
        "An Idempotency-Key has 1 to 128 visible ASCII characters",
    ),
    (
        "idempotency.key_reused",
        "该 Idempotency-Key 已用于另一笔不同的请求",
        "This Idempotency-Key was used for a different request",
    ),
    (
        "idempotency.in_progress",
        "使用该 Idempotency-Key 的请求仍在处理中",
        "The first request with this key is still running",
    ),
    (
        "account.adjustment_expired",
        "该调账申请已过期，请重新申请",
        "This adjustment request has expired; request it again",
    ),
    (
        "staff.identity_missing",
        "该工作人员账号未登记身份证号码，不能办理双人复核业务",
        "This staff account has no ID number on record for four-eyes work",
    ),
    (
        "staff.identity_fixed",
        "找不到该工作人员账号，或其身份证号码已登记（登记后不可更改）",
        "No such staff account, or its ID number is already on record (it never changes)",
    ),
    ("staff.id_number_taken", "此人已有工作人员账号", "This person already has a staff account"),
    ("account.resident_has_none", "居民医保没有个人账户", "Resident insurance (390) has no personal account"),
    ("account.insufficient_balance", "个人账户余额不足", "The personal account balance does not cover this"),
    ("account.frozen", "参保关系已转出，个人账户已封闭", "The person transferred out; the account is closed"),
    ("account.self_approval", "调账须由申请人以外的另一人审批", "Another person decides an adjustment"),
    ("account.adjustment_not_found", "未找到该调账申请", "No such adjustment"),
    ("account.adjustment_decided", "该调账申请已处理", "This adjustment is already decided"),
    (
        "account.adjustment",
        "调账须有非零金额和 1 至 500 字的原因",
        "An adjustment needs a non-zero amount and a reason",
    ),
    (
        "account.carry_over_not_applicable",
        "只有转入的职工可结转个人账户余额",
        "Only an employee transferring in carries a balance",
    ),
    ("account.carry_over_negative", "结转余额不能为负数", "A carried-over balance is not negative"),
    (
        "money.format",
        "金额格式不正确，应为最多两位小数的元，如 \"128.50\"",
        "An amount is yuan with at most two decimals, e.g. \"128.50\"",
    ),
    ("person.person_no", "人员编号格式不正确", "A person number is 4101 followed by 12 digits"),
    ("sms.code_format", "验证码应为 6 位数字", "An SMS code is six digits"),
    (
        "sms.code_missing",
        "尚未向该手机号发送此类验证码，请先获取验证码",
        "No code was sent to this phone for this purpose; request one",
    ),
    ("sms.code_wrong", "验证码错误，还可尝试 {checks_left} 次", "The code is wrong; {checks_left} checks left"),
    ("sms.code_expired", "验证码已过期，请重新获取", "The code has expired; request a new one"),
    ("sms.code_used", "验证码已使用，请重新获取", "The code has been used; request a new one"),
    (
        "sms.code_checks_exhausted",
        "验证码校验次数过多，请重新获取",
        "The code was checked too often; request a new one",
    ),
    (
        "sms.resend_too_soon",
        "发送过于频繁，请 {retry_after} 秒后再试",
        "A code was sent moments ago; retry in {retry_after} s",
    ),
    ("sms.daily_limit", "该手机号今日获取验证码次数已达上限", "This phone has had today's maximum of codes"),
    ("binding.channel_user_ref", "渠道用户标识格式不正确", "The channel user reference is not valid"),
    ("binding.channel_not_allowed", "该渠道不支持绑定医保账户", "This channel does not bind accounts"),
    (
        "binding.identity_mismatch",
        "身份证号、姓名与卡号信息不一致，请核对后重试",
        "The ID number, name and card do not match a record",
    ),
    (
        "binding.phone_not_on_record",
        "手机号与参保登记的不一致，请先到经办窗口更新手机号",
        "This phone is not the one on record; update it at the service hall",
    ),
    ("binding.ref_taken", "该渠道账号已绑定其他参保人，请先解绑", "This channel account is bound to another person"),
    (
        "binding.too_many_failures",
        "绑定失败次数过多，请一小时后再试或到经办窗口办理",
        "Too many failed bindings; try again in an hour or at the hall",
    ),
    ("binding.not_found", "未找到该绑定关系", "No such binding"),
    ("binding.ended", "该绑定关系已解除", "This binding has already ended"),
    ("binding.reason", "请填写解除绑定的原因", "Say why the binding is removed"),
    ("session.not_a_person_session", "此业务须在参保人登录后办理", "This needs a person session"),
    ("session.method_not_allowed", "该渠道不支持此登录方式", "This channel cannot sign in this way"),
    (
        "session.unknown_binding",
        "该渠道账号尚未绑定医保账户，请先绑定",
        "This channel account is not bound; bind it first",
    ),
    ("session.phone_not_on_record", "该手机号未登记为参保人手机号", "No insured person has this phone on record"),
    (
        "session.phone_shared",
        "该手机号登记于多名参保人，请同时提供身份证号",
        "Several persons share this phone; add the ID number",
    ),
    ("session.sms_purpose", "登录须使用登录或重置密码验证码", "A login uses a login or password-reset code"),
    (
        "session.wrong_password",
        "身份证号或密码错误（未设置密码请先通过短信验证码登录设置）",
        "The ID number or password is wrong, or no password is set",
    ),
    (
        "session.password_locked",
        "密码错误次数过多已锁定，请通过短信验证码登录后重设密码",
        "The password is locked; sign in by SMS and set a new one",
    ),
    ("session.password_busy", "同时登录请求过多，请稍后重试", "Too many sign-ins at once; retry shortly"),
    (
        "session.weak_password",
        "密码须为 8 至 64 位并同时包含字母和数字",
        "A password has 8 to 64 characters with letters and digits",
    ),
    ("session.sms_required", "设置密码须通过短信验证码登录", "Setting the password needs a session opened by SMS"),
    ("session.card_or_id_number", "请提供卡号或身份证号之一", "Give either the card number or the ID number"),
    (
        "session.person_transferred_out",
        "该参保人已转出郑州，请到转入地办理",
        "The person has transferred out of Zhengzhou",
    ),
    (
        "session.insured_elsewhere",
        "该参保人不在郑州参保，请使用参保地服务",
        "This person is not insured in Zhengzhou; use the insured region's service",
    ),
    ("assertion.no_key", "该渠道未登记身份断言公钥", "This client has no assertion key registered"),
    ("assertion.malformed", "身份断言格式不正确", "The identity assertion is malformed"),
    ("assertion.wrong_issuer", "身份断言不是由当前渠道签发", "The assertion was not issued by this client"),
    ("assertion.bad_signature", "身份断言签名校验失败", "The assertion's signature does not verify"),
    ("assertion.stale", "身份断言已过期或尚未生效", "The assertion is expired or not yet valid"),
    ("assertion.replayed", "身份断言已被使用", "This assertion was used before"),
    (
        "assertion.person_mismatch",
        "身份断言中的姓名与登记信息不一致",
        "The name in the assertion does not match the record",
    ),
    ("me.lookback_exceeded", "该渠道只能查询 {earliest} 以后的记录", "This channel shows records from {earliest} on"),
    ("card.none_active", "该参保人没有已激活的医保卡", "The person has no active card"),
    (
        "client.assertion_key",
        "公钥格式不正确，应为 PEM 或 32 字节 base64url",
        "Not an Ed25519 public key (PEM or base64url of 32 bytes)",
    ),
    ("client.not_found", "未找到该客户端", "No such client"),
    ("e_voucher.already_activated", "电子医保凭证已激活", "The electronic voucher is already activated"),
    (
        "e_voucher.not_activated",
        "电子医保凭证尚未激活，请在国家医保服务平台或郑好办激活",
        "The electronic voucher is not activated",
    ),
    (
        "e_voucher.verified_identity_required",
        "激活电子医保凭证或设置支付密码须先完成人脸识别或实名认证",
        "This needs a session opened by a face / real-name check",
    ),
    ("e_voucher.token_format", "电子凭证码应为 40 位字母或数字", "An ec_token has 40 letters and digits"),
    ("e_voucher.token_unknown", "无效的电子凭证码", "No voucher token is known by this ec_token"),
    ("e_voucher.token_used", "该电子凭证码已使用，请刷新后重新出示", "This token already paid a bill; show a new one"),
    ("e_voucher.token_expired", "该电子凭证码已过期，请刷新后重新出示", "This token has expired; show a new one"),
    (
        "e_voucher.token_elsewhere",
        "该电子凭证码已在其他机构出示，请刷新后重新出示",
        "This token was shown at another institution; show a new one",
    ),
    ("e_voucher.suspended", "电子医保凭证已暂停使用，请到医保服务大厅办理恢复", "The electronic voucher is suspended"),
    ("e_voucher.pin_format", "电子凭证支付密码应为 6 位数字", "A voucher PIN has six digits"),
    ("e_voucher.pin_wrong", "电子凭证支付密码错误", "The voucher PIN is wrong"),
    (
        "e_voucher.pin_locked",
        "支付密码连续输错次数过多，已锁定，请人脸识别后重设",
        "The voucher PIN is locked; set a new one",
    ),
    ("e_voucher.pin_busy", "支付密码校验繁忙，请稍后重试", "Too many PIN checks at once; retry shortly"),
    ("e_voucher.reason_text", "请填写 1 至 500 字的原因", "Give a reason of 1 to 500 characters"),
    ("e_voucher.transition_not_allowed", "电子医保凭证当前状态不允许此操作", "Not possible from the voucher's state"),
    (
        "settlement.account_closed",
        "参保人已转出，个人账户已关闭，账户支付部分无法退回，请直接退还本人",
        "The person transferred out; the account payment cannot come back into the closed account",
    ),
    ("settlement.person_mismatch", "凭证与所报人员编号不符", "The certificate belongs to another person than psn_no"),
    ("settlement.nothing_to_reverse", "该报文未结算，无需冲正", "That message never settled; nothing to reverse"),
    ("settlement.msgid", "结算须提供 1 至 64 位的报文 ID", "A settlement names its msgid"),
    ("settlement.msgid_used", "该机构已使用此报文 ID 结算", "This institution already settled this msgid"),
    ("settlement.not_found", "未找到该结算记录", "No such settlement"),
    ("settlement.already_reversed", "该结算已冲正", "This settlement has been reversed already"),
    (
        "settlement.cert_type",
        "凭证类型须为 02（身份证）或 03（社保卡）",
        "The certificate type is 02 (ID card) or 03 (card)",
    ),
    (
        "settlement.card_not_usable",
        "该卡当前状态不能结算，可使用电子凭证或身份证",
        "This card cannot settle in its state",
    ),
    ("settlement.bill", "费用金额不正确", "The bill's amounts do not add up or are out of range"),
    ("settlement.acct_used_flag", "个人账户使用标志须为 1 或 0", "acct_used_flag is 1 or 0"),
    ("settlement.not_an_institution", "只有定点医药机构可以结算", "Only a designated institution settles"),
    ("institution.name", "机构名称须为 1 至 100 个字", "An institution name has 1 to 100 characters"),
    ("assertion.wrong_audience", "身份断言不是签发给本系统的", "The assertion was made for another service"),
    (
        "session.stronger_sign_in_required",
        "更换手机号须通过短信、密码或实名认证登录后办理",
        "Changing the phone needs a stronger sign-in than a binding",
    ),
    ("rate.limited", "登录尝试过于频繁，请稍后再试", "Too many sign-in attempts; wait and retry"),
    (
        "auth.person_session_confined",
        "参保人登录会话只能办理本人业务",
        "A person session reaches only the person's own records",
    ),
    ("statement.period", "对账期间须为 1 天至 3 年，且起始日不晚于截止日", "A statement covers 1 day to 3 years"),
    (
        "statement.font_missing",
        "系统未安装中文字体，暂不能生成 PDF 对账单",
        "No CJK font is installed for PDF statements",
    ),
    ("person.contact_empty", "请填写要修改的手机号或地址", "Give a phone, an address or both"),
    ("person.address", "地址最多 200 个字", "An address has at most 200 characters"),
    ("person.contact_reason", "请填写 1 至 500 字的修改原因", "A reason has 1 to 500 characters"),
    ("person.phone_change_code", "更换手机号须提供发送到新手机号的验证码", "A new phone needs the code sent to it"),
];

/// The text for `code` in `language`, with parameters filled; a generic text for the status
/// when the code is not catalogued.
pub fn render(code: &str, status: StatusCode, language: Language, params: &Params) -> String {
    let entry = CATALOGUE.iter().find(|(c, _, _)| *c == code);
    let template = match (entry, language) {
        (Some((_, zh, _)), Language::Chinese) => (*zh).to_owned(),
        (Some((_, _, en)), Language::English) => (*en).to_owned(),
        (None, _) => status.canonical_reason().unwrap_or("Error").to_owned(),
    };
    fill(template, params)
}

fn fill(mut text: String, params: &Params) -> String {
    for (key, value) in params {
        let placeholder = format!("{{{key}}}");
        if text.contains(&placeholder) {
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            text = text.replace(&placeholder, &value);
        }
    }
    text
}

/// Whether a code is catalogued (tests check every code the service uses).
pub fn is_catalogued(code: &str) -> bool {
    CATALOGUE.iter().any(|(c, _, _)| *c == code)
}
