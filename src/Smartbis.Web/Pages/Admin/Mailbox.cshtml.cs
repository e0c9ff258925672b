using Microsoft.AspNetCore.Mvc.RazorPages;
using Smartbis.Web.Features.Notifications.Email;

namespace Smartbis.Web.Pages.Admin;

public sealed class MailboxModel(Mailbox mailbox) : PageModel
{
    public IReadOnlyList<Mailbox.Item> Messages { get; private set; } = [];
    public Mailbox.Item? Selected { get; private set; }

    public void OnGet(string? id)
    {
        Messages = mailbox.List();
        Selected = Messages.FirstOrDefault(m => m.Id == id) ?? Messages.FirstOrDefault();
    }
}
