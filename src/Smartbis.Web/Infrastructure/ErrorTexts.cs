using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.RegularExpressions;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Infrastructure;

/// <summary>
/// The catalogue of refusal messages: code → English template with named placeholders (<c>{maximum}</c>), the pt-BR
/// templates under the same codes in <c>ErrorTexts.pt-BR.resx</c>. Rendered once, at the edge, in the reader's culture:
/// money with its own currency and locale (<see cref="Money.Format"/>), moments in the tenant's time zone when known
/// (else in UTC, said so), numbers in the culture. A test checks that every code used in src has both texts and that
/// each placeholder is one the code's values fill.
/// </summary>
// ErrorTexts comes first in this file: the SDK names ErrorTexts.pt-BR.resx after the first class of ErrorTexts.cs.
public static partial class ErrorTexts
{
    private static readonly ResourceManager Translations = new(typeof(ErrorTexts).FullName!, typeof(ErrorTexts).Assembly);
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    [GeneratedRegex(@"\{(\w+)\}")]
    public static partial Regex Placeholder();

    /// <summary>The template of a code in a culture: pt-BR from the resx, English from <see cref="Templates"/>; null for an unknown code.</summary>
    public static string? Template(string code, CultureInfo culture)
    {
        if (culture.TwoLetterISOLanguageName != "en")
        {
            try
            {
                if (Translations.GetString(code, culture) is { } translated) return translated;
            }
            catch (MissingManifestResourceException) { /* no text in this culture: English */ }
        }
        return Templates.GetValueOrDefault(code);
    }

    /// <summary>The pt-BR template exactly as the resx has it (no fallback), for the catalogue's test.</summary>
    public static string? Translation(string code, CultureInfo culture) =>
        Translations.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.GetString(code);

    public static string Render(ErrorText text, CultureInfo culture, TimeZoneInfo? zone = null)
    {
        var template = Template(text.Code, culture) ?? text.Code;
        return Placeholder().Replace(template, m => text.Values.TryGetValue(m.Groups[1].Value, out var v) ? Format(v, culture, zone) : m.Value);
    }

    /// <summary>English, times in UTC: the API's language, exception messages and logs.</summary>
    public static string English(ErrorText text) => Render(text, En);

    /// <summary>Every field's messages in a culture (refs left out: they are not messages).</summary>
    public static IReadOnlyDictionary<string, string[]> Render(OperationFailed failed, CultureInfo culture, TimeZoneInfo? zone = null) =>
        failed.Messages.ToDictionary(m => m.Key, m => m.Value.Select(t => Render(t, culture, zone)).ToArray());

    /// <summary>Every field's messages in the request's UI culture, times in the signed-in staff's tenant time zone.</summary>
    public static IReadOnlyDictionary<string, string[]> Render(OperationFailed failed, HttpContext http) =>
        Render(failed, CultureInfo.CurrentUICulture, ZoneOf(http));

    /// <summary>The messages of every field in the request's UI culture, one list (a page that shows them in one place).</summary>
    public static IEnumerable<string> All(OperationFailed failed, HttpContext http) => Render(failed, http).SelectMany(m => m.Value);

    private static TimeZoneInfo? ZoneOf(HttpContext http) =>
        Locales.ZoneOrNull(http.RequestServices.GetService<CurrentStaff>()?.Tenant?.TimeZone);

    private static string Format(object? value, CultureInfo culture, TimeZoneInfo? zone) => value switch
    {
        null => "",
        Amount a => Money.Format(a.Cents, a.CurrencyCode, a.Locale),
        RewardAmount a => Features.Programs.RewardUnits.Format(a.Value, a.Type, a.CurrencyName, a.CurrencyCode, a.Locale),
        DateTimeOffset at when zone is null => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC",
        DateTimeOffset at => TimeZoneInfo.ConvertTime(at, zone).ToString("g", culture),
        OnDay d when zone is null => d.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        OnDay d => TimeZoneInfo.ConvertTime(d.At, zone).ToString("d", culture),
        IFormattable f => f.ToString(null, culture),
        _ => value.ToString() ?? "",
    };

    /// <summary>code → English template. Keep sorted by area; the pt-BR text goes in ErrorTexts.pt-BR.resx under the same code.</summary>
    public static readonly IReadOnlyDictionary<string, string> Templates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Product categories
        ["category_code_format"] = "Use 1 to 40 lower-case letters, digits, \"-\" or \"_\" (e.g. prescription).",
        ["category_name_required"] = "Enter the name (up to 60 characters).",
        ["category_code_taken"] = "There is already a category {code}.",
        ["category_in_rules"] = "The rules in force exclude {code}: take it out of the rules first.",
        ["category_not_found"] = "Category not found.",
        ["category_unknown"] = "Choose categories of your list (Categories).",
        // Customer import (CSV), per line
        ["import_file_empty"] = "The file is empty.",
        ["import_header_required"] = "The first line must name the columns: name, phone, email, cpf, birth_date, opening_balance.",
        ["import_too_many_rows"] = "At most {maximum} rows per file.",
        ["import_birth_date_format"] = "Use YYYY-MM-DD or DD/MM/YYYY.",
        ["import_opening_points"] = "Not a whole number of points (e.g. 150).",
        ["import_opening_amount"] = "Not an amount (e.g. 12,50).",
        ["import_phone_taken"] = "This phone number already belongs to a customer.",
        ["import_phone_repeated"] = "The same phone number is on line {line}.",
        ["import_email_taken"] = "This email already belongs to a customer.",
        ["import_email_repeated"] = "The same email is on line {line}.",
        ["import_cpf_taken"] = "This CPF already belongs to a customer.",
        ["import_cpf_repeated"] = "The same CPF is on line {line}.",
        ["customer_reference"] = "Identify the customer by exactly one of id, phone, email or cardCode.",
        ["amount_cents_required"] = "Enter the purchase amount in cents.",
        ["receipt_required"] = "Enter the receipt number.",
        ["store_required"] = "This API key is not bound to a store: say which store (storeId).",
        ["item_incomplete"] = "Each item needs a category and amountCents.",
        ["refund_cents_required"] = "Enter the amount to refund in cents.",
        ["reason_required"] = "Say why (up to 300 characters).",
        ["too_many_attempts"] = "Too many attempts from your connection. Wait a few minutes and try again.",
        ["email_invalid"] = "Enter a valid email address.",
        ["owner_invites_owner"] = "Only an owner can invite another owner.",
        ["cashier_store_required"] = "Choose the store where the cashier works.",
        ["store_not_active"] = "Choose one of your active stores.",
        ["already_staff"] = "This person is already on your staff.",
        ["invalid_invitation"] = "This invitation link is invalid, was already used or has expired. Ask for a new one.",
        ["account_locked"] = "Too many failed attempts. This account is locked for 15 minutes.",
        ["account_exists_password"] = "You already have an account: enter its password to accept.",
        ["your_name_required"] = "Enter your name.",
        ["password_too_short"] = "Use a password of at least 10 characters (a passphrase is best).",
        ["already_on_staff"] = "You are already on this business's staff.",
        ["message_not_found"] = "Message not found.",
        ["not_retryable"] = "Only failed, bounced or unknown messages can be retried.",
        ["business_name_required"] = "Enter the business name (up to 120 characters).",
        ["account_email_taken"] = "An account with this email already exists. Sign in to add a business to it.",
        ["earn_rate_range"] = "Enter a rate between 0.01% and 100%.",
        ["reward_type_choice"] = "Choose cashback or points.",
        ["reward_type_locked"] = "The reward type cannot change after the first purchase: balances are already in it.",
        ["points_per_unit_range"] = "Enter a whole number of points per currency unit, up to {maximum}.",
        ["boost_points_range"] = "A boost gives whole points per currency unit, from 1 to {maximum}.",
        ["boost_points_above_base"] = "A boost must give more points than the base rate.",
        ["cost_per_point_range"] = "Enter what a point costs you, from R$ 0,00 to R$ 100,00.",
        ["points_no_vouchers"] = "Points programs do not issue vouchers from the balance: points are spent on the reward catalogue.",
        ["points_not_payment"] = "{currencyName} are points, not money: they cannot pay for a purchase.",
        ["currency_name_required"] = "Enter what customers call the reward (up to 40 characters).",
        ["locale_choice"] = "Choose Português or English.",
        ["slug_taken"] = "This address is taken. Choose another.",
        ["slug_required"] = "Choose a URL slug.",
        ["slug_format"] = "Use 3 to 40 lowercase letters, digits or hyphens, starting and ending with a letter or digit.",
        ["slug_reserved"] = "This address is reserved. Choose another.",
        ["voucher_code_required"] = "Enter the voucher code.",
        ["voucher_not_found"] = "No voucher has this code. Check the letters and digits.",
        ["voucher_purchase_not_found"] = "No purchase of this voucher's customer has this id.",
        ["voucher_other_customer"] = "This voucher belongs to another customer.",
        ["voucher_cancelled"] = "This voucher was cancelled.",
        ["cancel_reason_required"] = "Say why the voucher is cancelled.",
        ["voucher_id_not_found"] = "Voucher not found.",
        ["customer_not_found"] = "Customer not found.",
        ["adjustment_zero"] = "Enter an amount to add or remove (not zero).",
        ["adjustment_too_large"] = "The adjustment is too large.",
        ["adjustment_reason_required"] = "Say why (up to 300 characters): the customer sees it in their history.",
        ["adjustment_author_required"] = "An adjustment needs its author.",
        ["idempotency_key_required"] = "An idempotency key is required.",
        ["idempotency_key_format"] = "The idempotency key must be 1 to 255 printable ASCII characters.",
        ["idempotency_key_in_flight"] = "A request with this idempotency key is still being processed. Retry in a few seconds with the same key to get its result.",
        ["idempotency_key_reused"] = "This idempotency key was already used for a different request. Use a new key for a new request.",
        ["bonus_positive"] = "A bonus must be more than zero.",
        ["no_bonus"] = "The program has no bonus of this kind.",
        ["cpf_taken"] = "This CPF is already registered.",
        ["phone_taken"] = "This phone number is already a member. Sign in instead.",
        ["email_taken"] = "This email is already a member. Sign in instead.",
        ["invalid_referral"] = "This referral code does not exist.",
        ["name_required"] = "Enter a name (up to 120 characters).",
        ["phone_invalid"] = "Enter a valid phone number with area code.",
        ["phone_or_email_required"] = "Enter a phone number or an email.",
        ["cpf_invalid"] = "This CPF is not valid. Check the digits.",
        ["birth_date_invalid"] = "Enter a real birth date.",
        ["earn_rate_bounds"] = "The earn rate must be between 0% and 100%.",
        ["min_purchase_negative"] = "The minimum purchase cannot be negative.",
        ["cap_negative"] = "The cap per purchase cannot be below zero.",
        ["pending_days_range"] = "The pending period must be between 0 and 365 days.",
        ["expiry_days_range"] = "Expiry must be between 1 and 3650 days, or never.",
        ["min_redeem_negative"] = "The minimum balance to redeem cannot be negative.",
        ["redeem_share_range"] = "The share payable with cashback must be between 0% and 100%.",
        ["voucher_threshold_required"] = "Set the balance at which a voucher is issued (more than zero).",
        ["voucher_threshold_negative"] = "The voucher threshold cannot be negative.",
        ["voucher_validity_range"] = "Vouchers must be valid between 1 and 3650 days.",
        ["referrer_reward_negative"] = "The referrer reward cannot be negative.",
        ["referee_reward_negative"] = "The new customer's referral reward cannot be negative.",
        ["referral_min_purchase_negative"] = "The qualifying purchase cannot be negative.",
        ["referral_cap_negative"] = "The monthly referral cap cannot be negative.",
        ["welcome_bonus_negative"] = "The welcome bonus cannot be negative.",
        ["birthday_bonus_negative"] = "The birthday bonus cannot be negative.",
        ["category_length"] = "Category names must have 1 to 60 characters.",
        ["boost_rate_range"] = "A boost rate must be between 0% and 100%.",
        ["boost_above_base"] = "A boost must give more than the base rate.",
        ["boost_dates_order"] = "A boost must end on or after its start.",
        ["boost_when_required"] = "Choose dates or weekdays for the boost.",
        ["no_program"] = "This business has no program rules yet. Set them up in Program settings.",
        ["store_not_found"] = "Store not found.",
        ["store_inactive"] = "This store is inactive.",
        ["customer_deleted"] = "This customer deleted their account: nothing can be credited, debited or recorded for it.",
        ["customer_blocked"] = "This customer is blocked and cannot earn or redeem.",
        ["customer_unclaimed"] = "This customer has not joined the program yet: their cashback is kept for them and can be used once they join.",
        ["purchase_amount_required"] = "Enter the purchase amount (more than zero).",
        ["purchase_too_large"] = "The amount is too large for one purchase.",
        ["cashback_negative"] = "The cashback to use cannot be negative.",
        ["cashback_over_amount"] = "Cashback cannot pay more than the purchase.",
        ["receipt_too_long"] = "The receipt number can have at most 60 characters.",
        ["customer_or_phone_required"] = "Choose a customer or enter a valid phone number.",
        ["line_negative"] = "Line amounts cannot be negative.",
        ["line_category_required"] = "Each line needs a category (up to 60 characters).",
        ["lines_sum"] = "The lines must add up to the purchase amount.",
        ["refund_amount_required"] = "Enter the amount to refund (more than zero).",
        ["purchase_not_found"] = "Purchase not found.",
        ["identifier_invalid"] = "Enter a valid email or mobile phone number.",
        ["not_member"] = "We found no member with this email or phone. Check it, or join the program.",
        ["member_no_email"] = "Codes are sent by email, and this member has no email address. Ask the store to add one.",
        ["sign_in_send_failed"] = "We could not send the code by WhatsApp just now. Try again in a moment.",
        ["too_many_codes_or_attempts"] = "Too many codes or attempts. Wait a while and try again.",
        ["code_six_digits"] = "Enter the six-digit code we sent you.",
        ["code_expired"] = "This code has expired or was already used. Ask for a new one.",
        ["code_locked"] = "Too many wrong attempts for this code. Ask for a new one.",
        ["wrong_code"] = "This code is not right. Check the latest message we sent you.",
        ["email_before_consent"] = "Add an email address before choosing email.",
        ["phone_before_consent"] = "Add a phone number before choosing WhatsApp.",
        ["locale_unknown"] = "Choose a language from the list.",
        ["delivery_not_found"] = "Delivery not found.",
        ["webhook_not_found"] = "Webhook not found.",
        ["events_required"] = "Choose at least one event.",
        ["event_unknown"] = "Unknown event.",
        ["url_format"] = "Enter a full URL, e.g. https://example.com/webhooks/smartbis.",
        ["url_https"] = "The URL must use https.",
        ["url_unresolved"] = "This host name does not resolve.",
        ["url_internal"] = "The URL must point to a public internet address.",
        ["api_key_name_required"] = "Name the key (up to 80 characters), e.g. the POS it is for.",
        ["store_choice"] = "Choose one of your stores.",
        ["api_key_not_found"] = "API key not found.",
        ["flag_not_found"] = "Flag not found.",
        ["note_too_long"] = "Use at most 500 characters.",
        ["pin_managers_only"] = "Only managers and owners have a counter PIN.",
        ["pin_format"] = "The PIN must be 4 to 8 digits.",
        ["pin_repeated"] = "Choose a PIN that is not one digit repeated.",
        ["large_redemption_amount"] = "Enter an amount (0 turns the check off).",
        ["code_validity_range"] = "Between 1 and 60 minutes.",
        ["burst_purchases_range"] = "Between 1 and 1000 purchases.",
        ["burst_window_range"] = "Between 1 minute and 7 days.",
        ["refund_rate_range"] = "Between 0.01% and 100%.",
        ["refund_rate_min_purchases"] = "At least 1 purchase.",
        ["refund_rate_window_range"] = "Between 1 and 365 days.",
        ["backdating_window_range"] = "Between 1 hour and 2160 hours (90 days).",
        ["excluded_over_amount"] = "The excluded part cannot be more than the purchase.",
        ["no_valid_code"] = "There is no valid code for this customer: send a new one.",
        ["counter_wrong_code"] = "This code is not right. Check it with the customer.",
        ["invalid_pin"] = "This PIN is not a manager's PIN.",
        ["pin_locked"] = "Too many wrong PINs: wait 15 minutes or use the customer's code.",
        ["refund_not_allowed"] = "Cashiers can refund only today's purchases: ask a manager.",
        ["customer_no_email"] = "This customer has no email to receive a code: ask a manager for their PIN.",
        ["too_many_codes"] = "Too many codes were sent to this customer in the last hour: ask a manager for their PIN.",
        ["redemption_send_failed"] = "The code could not be sent by WhatsApp just now: try again, or ask a manager for their PIN.",
        ["voucher_used"] = "This voucher was already used on {usedAt}.",
        ["voucher_expired"] = "This voucher expired on {expiredOn}.",
        ["cancel_voucher_redeemed"] = "Only issued vouchers can be cancelled; this one is redeemed.",
        ["cancel_voucher_cancelled"] = "Only issued vouchers can be cancelled; this one is cancelled.",
        ["cancel_voucher_expired"] = "Only issued vouchers can be cancelled; this one expired on {expiredOn}.",
        ["insufficient_available"] = "Only {available} is available to remove.",
        ["occurred_at_in_future"] = "occurredAt cannot be in the future (at most {minutes} minutes ahead of {now}).",
        ["occurred_at_too_old"] = "occurredAt can be at most {hours} hours in the past (this merchant's backdating window); this purchase is from {occurredAt}.",
        ["duplicate_receipt"] = "Receipt {receipt} was already recorded in this store at {recordedAt} ({amount}, purchase {purchaseId}).",
        ["voucher_exceeds_purchase"] = "This voucher is worth {value}: the purchase must be at least that much.",
        // The reward catalogue (Features/Rewards)
        ["reward_customer_blocked"] = "This customer is blocked: they cannot redeem rewards.",
        ["reward_not_found"] = "This reward is not in the catalogue.",
        ["reward_store_not_found"] = "This store is not one of yours.",
        ["reward_limit_reached"] = "This reward can be redeemed at most {limit} time(s) per customer, and this customer has reached it.",
        ["reward_not_enough_points"] = "Not enough points: this reward costs {cost} {unitName} and the balance is {available} ({missing} missing).",
        ["reward_catalogue_needs_points"] = "The reward catalogue needs a points program.",
        ["reward_archived"] = "This reward is no longer in the catalogue.",
        ["reward_not_started"] = "This reward is available from {startsOn}.",
        ["reward_ended"] = "This reward was available until {endedOn}.",
        ["reward_out_of_stock"] = "This reward is out of stock.",
        ["reward_not_at_store"] = "This reward cannot be claimed at this store.",
        ["reward_code_required"] = "Enter the reward's code.",
        ["reward_code_not_found"] = "No redeemed reward has this code. Check the letters and digits.",
        ["reward_already_delivered"] = "This reward was already delivered on {deliveredAt}.",
        ["reward_claim_expired"] = "This reward was not claimed in time: it expired on {expiredOn}.",
        ["reward_name_required"] = "Enter the reward's name (up to 120 characters).",
        ["reward_description_too_long"] = "Use at most 1000 characters.",
        ["reward_image_url"] = "Enter the image's address starting with https:// (up to 500 characters), or leave it empty.",
        ["reward_cost_positive"] = "Enter the cost in points: a whole number greater than 0.",
        ["reward_kind_unknown"] = "Choose what the reward is.",
        ["reward_voucher_value_required"] = "Enter the voucher's value (more than 0).",
        ["reward_stock_range"] = "Stock is a whole number from 0 to 1,000,000, or empty for unlimited.",
        ["reward_limit_range"] = "The limit per customer is a whole number from 1 to 1000, or empty for no limit.",
        ["reward_ends_before_start"] = "The last day must be on or after the first day.",
        ["reward_claim_days_range"] = "Between 1 and 365 days.",
        ["reward_store_unknown"] = "Choose among your stores.",
        ["below_minimum_balance"] = "{currencyName} can be used from a balance of {minimum}.",
        ["over_max_share"] = "At most {maximum} of this purchase can be paid with {currencyName}.",
        ["insufficient_balance"] = "The available balance is {available}.",
        ["lines_too_many"] = "At most {maximum} lines per purchase.",
        ["over_refund"] = "At most {refundable} of this purchase can still be refunded.",
        ["authorization_required"] = "Using {redemption} needs the customer's one-time code or a manager's PIN (above {threshold}).",
        ["code_amount"] = "This code authorizes up to {maximum}: send a new code for this amount.",
        ["identity_refused"] = "{reason}",
        ["template_error"] = "{error}",
        ["unknown_automation"] = "Unknown automation.",
        ["delay_minutes_range"] = "Between 0 and 10080 minutes (7 days).",
        ["days_range"] = "Between 1 and 365 days.",
        ["sender_name_too_long"] = "Up to 120 characters.",
        ["max_per_day_range"] = "Between 0 and 50.",
        ["max_per_week_range"] = "Between 0 and 200.",
        ["phone_number_id_digits"] = "The phone number id has only digits.",
        ["phone_number_id_taken"] = "This phone number id is already used by another business.",
        ["color_format"] = "Use a colour like #0d6efd.",
        ["time_zone_unknown"] = "Unknown time zone. Use an IANA name such as America/Sao_Paulo.",
        ["tenant_suspended"] = "This program is suspended by the Smartbis platform: {reason}. Nothing can be recorded until it is reactivated.",
        ["suspension_reason_required"] = "Give a reason (at least 3 characters).",
        ["suspension_reason_too_long"] = "The reason has at most {max} characters.",
        ["tenant_not_found"] = "This business does not exist.",
        ["tenant_already_suspended"] = "This business is already suspended.",
        ["tenant_not_suspended"] = "This business is not suspended.",
        ["plan_limit_members"] = "The {plan} plan includes {limit} members and its 7-day grace period ended on {graceEnded}: new members cannot join until the plan is upgraded (Plan and usage page). Existing members keep earning and redeeming.",
        ["plan_limit_stores"] = "The {plan} plan includes {limit} active stores. Upgrade the plan (Plan and usage page) or deactivate a store to add another.",
        ["plan_limit_staff"] = "The {plan} plan includes {limit} staff members (pending invitations count). Upgrade the plan (Plan and usage page) or remove someone to invite another.",
        ["plan_no_api"] = "The {plan} plan does not include API access. Upgrade the plan on the Plan and usage page (/app/plan).",
        ["plan_no_whatsapp"] = "The {plan} plan does not include WhatsApp. Upgrade the plan (Plan and usage page) to send by WhatsApp.",
        ["plan_no_automations"] = "The {plan} plan does not include automations. Upgrade the plan (Plan and usage page) to switch them on.",
        ["plan_unknown"] = "There is no such plan.",
        ["upgrade_same_plan"] = "This is already your plan.",
        ["upgrade_pending"] = "A request is already waiting for an operator's decision.",
        ["upgrade_request_not_found"] = "Upgrade request not found.",
        ["upgrade_decided"] = "This request was already decided.",
        ["plan_limit_invalid"] = "Enter a whole number of at least {minimum}, or leave it empty for no limit.",
        ["plan_trial_invalid"] = "Trial days are between 0 and 90.",
        ["plan_price_invalid"] = "Enter a price such as 149,00 (or 0).",
        ["plan_trial_unavailable"] = "This plan has no trial: start on Free or choose another plan.",
        // Tiers and challenges
        ["tier_window_range"] = "The window must be between {minimum} and {maximum} months.",
        ["tier_reminder_range"] = "The reminder must be between 0 and {maximum} days before the review.",
        ["tier_levels_required"] = "Add at least one level, or turn tiers off.",
        ["tier_levels_too_many"] = "At most {maximum} levels.",
        ["tier_level_name"] = "Give the level a name (up to 40 characters).",
        ["tier_level_name_taken"] = "Another level already has this name.",
        ["tier_first_threshold_zero"] = "The first level starts at zero: every member has a level.",
        ["tier_threshold_order"] = "Each level needs a higher threshold than the one before it.",
        ["tier_threshold_too_large"] = "This threshold is too large.",
        ["tier_multiplier_range"] = "The multiplier must be between 1 and {maximum} (e.g. 1.5).",
        ["tier_perks_too_long"] = "Use at most {maximum} characters.",
        ["challenge_name"] = "Give the challenge a name (up to 80 characters).",
        ["challenge_description_too_long"] = "Use at most {maximum} characters.",
        ["challenge_target_positive"] = "Enter a goal greater than zero.",
        ["challenge_target_too_large"] = "The goal can be at most {maximum}.",
        ["challenge_store_required"] = "Choose the store of the first purchase.",
        ["challenge_dates_order"] = "The end date must be on or after the start date.",
        ["challenge_too_long"] = "A challenge lasts at most {maximum} days.",
        ["challenge_bonus_range"] = "Enter a bonus greater than zero.",
        ["challenge_not_found"] = "Challenge not found.",
        ["challenge_has_awards"] = "Customers have already completed this challenge: its goal, store and start can no longer change. End it and create a new one.",
        ["challenge_ended"] = "This challenge has already ended.",
        ["results_share_range"] = "The control group is between {minimum}% and {maximum}% of new members.",
        ["results_start_required"] = "Choose the day the control group starts.",
        ["results_start_past"] = "The control group starts today or later: members who already joined were not drawn.",
        ["results_start_too_far"] = "Start within the next {maximum} days.",
        ["results_message_cost_range"] = "Enter a cost per message between 0 and 10.00.",
        ["segment_days_range"] = "Enter a number of days from {minimum} to {maximum}.",
        ["segment_lost_after_at_risk"] = "“Lost” must come after “at risk” ({atRiskDays} days): enter more days.",
        ["segment_loyal_purchases_range"] = "Enter a number of purchases from 1 to {maximum}.",
        ["segment_loyal_spend_range"] = "Enter an amount of zero or more.",
        ["tag_name"] = "A tag has 1 to {maximum} characters.",
        ["tag_too_many"] = "At most {maximum} different tags per business.",
        ["tag_not_found"] = "Tag not found.",
        ["campaign_name"] = "Give the campaign a name (up to 80 characters).",
        ["campaign_audience"] = "Choose who receives it: every member, a segment or a tag.",
        ["campaign_channel"] = "Choose email, WhatsApp or both.",
        ["campaign_body"] = "Write the message.",
        ["campaign_subject"] = "Write the email's subject (up to 200 characters).",
        ["campaign_whatsapp_template"] = "WhatsApp only sends a template approved at Meta: enter its name.",
        ["campaign_whatsapp_parameters"] = "Use at most 500 characters.",
        ["campaign_whatsapp_not_configured"] = "WhatsApp is not set up yet: connect it in Automations › Settings first.",
        ["campaign_holdout_range"] = "Hold out from 0 to {maximum}% of the audience.",
        ["campaign_bonus_range"] = "Enter a bonus of zero or more (zero: no bonus).",
        ["campaign_multiplier_range"] = "The multiplier must be between 1 and {maximum} (e.g. 2 for double).",
        ["campaign_boost_window"] = "Give the multiplier's start and end (end after start and still to come, at most {maximum} days).",
        ["campaign_measure_days"] = "Measure over 1 to {maximum} days.",
        ["campaign_send_at"] = "Choose a moment from now to a year ahead.",
        ["campaign_not_found"] = "Campaign not found.",
        ["campaign_not_draft"] = "This campaign was already launched.",
        ["campaign_not_editable"] = "This campaign is already being sent, was sent or was cancelled: it can no longer be edited.",
        ["campaign_cannot_cancel"] = "This campaign is already being sent and can no longer be cancelled.",
    };
}

/// <summary>One message of a refusal: a code of <see cref="ErrorTexts"/> and the values its text names.</summary>
public sealed record ErrorText(string Code, IReadOnlyDictionary<string, object?> Values)
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    /// <summary>A code with its values, given as an object whose properties are the placeholders: <c>new { maximum }</c>.</summary>
    public static ErrorText Of(string code, object? values = null) => new(code, values switch
    {
        null => None,
        IReadOnlyDictionary<string, object?> d => d,
        _ => values.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).ToDictionary(p => p.Name, p => p.GetValue(values)),
    });

    public override string ToString() => ErrorTexts.English(this);
}

/// <summary>A sum of money as a value of a message: cents, with the currency and the locale that format it (the tenant's).</summary>
public readonly record struct Amount(long Cents, string CurrencyCode = "BRL", string Locale = "pt-BR");

/// <summary>
/// An amount of the program's reward as a value of a message: cents of cashback or whole points, formatted by
/// <see cref="Features.Programs.RewardUnits"/> ("R$ 12,34" or "1.234 Pontos Aurora").
/// </summary>
public readonly record struct RewardAmount(long Value, Features.Programs.RewardType Type, string CurrencyName = "Cashback",
    string CurrencyCode = "BRL", string Locale = "pt-BR");

/// <summary>A moment shown as its day (a voucher's expiry), in the reader's time zone when the edge knows it.</summary>
public readonly record struct OnDay(DateTimeOffset At);
